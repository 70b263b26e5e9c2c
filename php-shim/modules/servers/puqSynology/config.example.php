<?php
/**
 * puqSynology module configuration.
 *
 * Copy this file to config.php (same folder) and adjust it. config.php is read on every module call;
 * a missing config.php means "use the defaults below". The environment variables PUQ_DAEMON_URL and
 * PUQ_SECRET_FILE, when set, win over this file (used by the tests).
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

return array(
    // Where puq-synologyd listens (docs/config.md: [daemon] listen_address / listen_port).
    'daemon_url' => 'http://127.0.0.1:8733',
    // The daemon's shared secret file. The web server user (www-data, apache, ...) must be able to read
    // it, for example: chgrp www-data /etc/puq-synologyd/secret && chmod 0640 /etc/puq-synologyd/secret
    'secret_file' => '/etc/puq-synologyd/secret',
    // Seconds to wait for the daemon's answer to one call (creating a user can take a few DSM requests).
    'timeout' => 60,
    // Seconds to wait for the TCP connection to the daemon.
    'connect_timeout' => 5,
    // Seconds to wait for UsageUpdate (the daily usage sync of every user on one NAS).
    'usage_timeout' => 300,
);
