<?php
use PHPUnit\Framework\TestCase;

/**
 * Base of the integration tests: they need the stack of `make stack` (the daemon, the DSM simulator and
 * the WHMCS database) and FAIL with the list of missing variables when it is not there: a requested
 * integration run never passes by skipping.
 */
abstract class IntegrationTestCase extends TestCase
{
    const STACK_ENV = array('PUQ_DAEMON_URL', 'PUQ_SECRET_FILE', 'DSM_HOST', 'DSM_PORT', 'DSM_SECURE',
        'DSM_ADMIN_USER', 'DSM_ADMIN_PASS', 'DSM_SIM_CONTROL_URL', 'WHMCS_DB_USER', 'WHMCS_DB_NAME');

    /** @return string[] the variables this class needs */
    protected static function requiredEnv()
    {
        return self::STACK_ENV;
    }

    public static function setUpBeforeClass(): void
    {
        parent::setUpBeforeClass();
        $missing = WhmcsHarness::missingEnv(static::requiredEnv());
        if (WhmcsHarness::env('WHMCS_DB_SOCKET') === null && WhmcsHarness::env('WHMCS_DB_HOST') === null) {
            $missing[] = 'WHMCS_DB_SOCKET or WHMCS_DB_HOST';
        }
        if (!empty($missing)) {
            self::fail('The integration tests need the running stack (daemon, DSM simulator, WHMCS database):'
                . ' start it with `make stack`, which writes ' . PUQ_STACK_ENV_FILE . '. Missing: '
                . implode(', ', $missing) . '.');
        }
        if (!extension_loaded('pdo_mysql')) {
            self::fail('The PHP extension pdo_mysql is missing: apt-get install php-mysql.');
        }
        WhmcsHarness::$emailLog = true; // SendEmail as WHMCS's mailer: template required, logged in tblemails
    }

    protected function setUp(): void
    {
        parent::setUp();
        WhmcsHarness::reset();
    }

    /** The daemon's shared secret (to prove it never reaches the module log). */
    protected static function daemonSecret()
    {
        $secret = trim((string) @file_get_contents(WhmcsHarness::env('PUQ_SECRET_FILE')));
        if ($secret === '') {
            self::fail('Cannot read the daemon secret file ' . WhmcsHarness::env('PUQ_SECRET_FILE'));
        }
        return $secret;
    }

    /** Asserts that none of the strings appears in the module log, neither as given nor as WHMCS stores it. */
    protected function assertLogHasNone(array $secrets)
    {
        $raw = WhmcsHarness::moduleLogRawText();
        $stored = WhmcsHarness::moduleLogText();
        foreach ($secrets as $label => $secret) {
            $this->assertNotSame('', (string) $secret, "$label is empty");
            $this->assertStringNotContainsString((string) $secret, $raw, "the module passed $label to logModuleCall");
            $this->assertStringNotContainsString((string) $secret, $stored, "$label reached the stored module log");
        }
    }

    /** A readable dump of the module log for failure messages. */
    protected static function logDump()
    {
        $lines = array();
        foreach (WhmcsHarness::$moduleLog as $e) {
            $lines[] = $e['action'] . ': ' . substr(str_replace("\n", ' ', $e['response']), 0, 400);
        }
        return "Module log:\n" . implode("\n", $lines);
    }
}
