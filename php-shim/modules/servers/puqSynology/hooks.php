<?php
/**
 * puqSynology hooks. WHMCS loads this file on every page load, so it must never fail and never call the
 * daemon while a page is being built: a stopped daemon must not break WHMCS pages.
 *
 * AfterCronJob (after every cron run, typically every 5 minutes): delivers the low-space emails the daemon
 * has queued (lib/Notifier.php): POST /v1/notifications/pending, localAPI SendEmail for each, then
 * POST /v1/notifications/ack. Bounded work per run; every failure is caught and logged, never thrown.
 *
 * The daily usage work itself runs through UsageUpdate (see docs/php-module.md and docs/client-area.md).
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

if (function_exists('add_hook')) {
    add_hook('AfterCronJob', 1, function ($vars = array()) {
        try {
            // Loaded only when the cron runs, so page loads do not pay for it. require_once: the module file
            // loads the same classes the same way.
            foreach (array('DaemonException', 'Config', 'DaemonClient', 'Redactor', 'Server', 'Module', 'Notifier') as $class) {
                require_once __DIR__ . '/lib/' . $class . '.php';
            }
            \WHMCS\Module\Server\PuqSynology\Notifier::deliver();
        } catch (\Throwable $e) {
            try {
                if (function_exists('logActivity')) {
                    logActivity('puqSynology: the AfterCronJob hook failed: ' . $e->getMessage());
                }
            } catch (\Throwable $ignored) {
                // nothing more can be done without breaking the cron
            }
        }
    });
}
