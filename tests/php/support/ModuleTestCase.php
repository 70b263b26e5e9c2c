<?php
use PHPUnit\Framework\TestCase;

/**
 * Base of the unit tests: a fresh harness per test, environment restored afterwards, and an optional
 * fake daemon per test class.
 */
abstract class ModuleTestCase extends TestCase
{
    const ENV_KEYS = array('PUQ_DAEMON_URL', 'PUQ_SECRET_FILE');

    /** @var FakeDaemon|null shared by the tests of one class (startFakeDaemon()) */
    protected static $daemon = null;

    /** @var array */
    private $savedEnv = array();

    protected function setUp(): void
    {
        parent::setUp();
        WhmcsHarness::reset();
        foreach (self::ENV_KEYS as $key) {
            $this->savedEnv[$key] = getenv($key);
        }
        if (static::$daemon !== null) {
            static::$daemon->clear();
            static::$daemon->useAsDaemon();
        }
    }

    protected function tearDown(): void
    {
        foreach ($this->savedEnv as $key => $value) {
            putenv($value === false ? $key : $key . '=' . $value);
        }
        parent::tearDown();
    }

    protected static function startFakeDaemon()
    {
        static::$daemon = new FakeDaemon();
        static::$daemon->start();
        return static::$daemon;
    }

    public static function tearDownAfterClass(): void
    {
        if (static::$daemon !== null) {
            static::$daemon->stop();
            static::$daemon = null;
        }
        parent::tearDownAfterClass();
    }

    /** $params like WHMCS passes them for a service on a secure server (no database needed). */
    protected static function serviceParams(array $overrides = array())
    {
        return array_merge(array(
            'serviceid' => 42,
            'userid' => 7,
            'pid' => 3,
            'serverid' => 5,
            'domain' => '',
            'username' => '7-42-1234',
            'password' => 'Svc-Passw0rd!xyz',
            'producttype' => 'other',
            'moduletype' => 'puqSynology',
            'configoption1' => '10', 'configoption2' => 'GB', 'configoption3' => '10G', 'configoption4' => '90',
            'configoption5' => 'None', 'configoption6' => '30', 'configoption7' => 'https://example.test/manual',
            'configoption8' => 'button', 'configoption9' => '{client_id}-{service_id}-{random_digit_4}',
            'configoption10' => '12',
            'clientsdetails' => array('userid' => 7, 'firstname' => 'Ada', 'lastname' => 'Lovelace',
                'email' => 'ada@example.test'),
            'customfields' => array(),
            'configoptions' => array(),
            'server' => true,
            'serverip' => '192.0.2.10',
            'serverhostname' => 'nas.example.test',
            'serverusername' => 'whmcs-admin',
            'serverpassword' => 'Srv-Adm1n-Secret#pw',
            'serveraccesshash' => '',
            'serversecure' => true,
            'serverport' => '5001',
            'serverhttpprefix' => 'https',
        ), $overrides);
    }

    /** $params of a server-only call (TestConnection, UsageUpdate, loaders). */
    protected static function serverParams(array $overrides = array())
    {
        $all = self::serviceParams();
        $keys = array('serverid', 'serverip', 'serverhostname', 'serverusername', 'serverpassword',
            'serveraccesshash', 'serversecure', 'serverport', 'serverhttpprefix');
        $out = array();
        foreach ($keys as $key) {
            $out[$key] = $all[$key];
        }
        return array_merge($out, $overrides);
    }

    /** Asserts that none of the strings appears in the module log, neither as given nor as WHMCS stores it. */
    protected function assertLogHasNone(array $secrets)
    {
        $raw = WhmcsHarness::moduleLogRawText();
        $stored = WhmcsHarness::moduleLogText();
        foreach ($secrets as $secret) {
            $this->assertNotSame('', $secret);
            $this->assertStringNotContainsString($secret, $raw, 'the module passed a secret to logModuleCall');
            $this->assertStringNotContainsString($secret, $stored, 'a secret reached the stored module log');
        }
    }
}
