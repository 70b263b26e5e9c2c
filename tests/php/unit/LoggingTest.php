<?php
use WHMCS\Module\Server\PuqSynology\Redactor;

/**
 * The WHMCS module log: one entry per call and per DSM request, secrets masked by the module itself and
 * passed to WHMCS as $replaceVars.
 */
class LoggingTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    private static function dsmCalls()
    {
        return array(
            array('api' => 'SYNO.API.Auth', 'method' => 'login', 'version' => 7,
                'request' => array('account' => 'whmcs-admin', 'passwd' => '********'),
                'response' => array('success' => true, 'data' => array('sid' => '********')),
                'http_status' => 200, 'elapsed_ms' => 12),
            array('api' => 'SYNO.Core.User', 'method' => 'create', 'version' => 1,
                'request' => array('name' => '7-42-1234', 'password' => '********'),
                'response' => array('success' => true), 'http_status' => 200, 'elapsed_ms' => 30),
        );
    }

    public function testCreateAccountLogsTheCallAndEachDsmRequestWithoutSecrets()
    {
        self::$daemon->respond('POST', '/v1/account/create', 200, array('username' => '7-42-1234',
            'password' => 'Daemon-Made-Pw#77', 'group' => '10G', 'created' => true, 'dsm_calls' => self::dsmCalls()));
        WhmcsHarness::$localApiHandler = function ($command, $values) {
            return array('result' => 'success');
        };
        $params = self::serviceParams();
        $this->assertSame('success', puqSynology_CreateAccount($params));

        $actions = array_map(function ($e) {
            return $e['action'];
        }, WhmcsHarness::$moduleLog);
        $this->assertContains('CreateAccount', $actions);
        $this->assertContains('DSM SYNO.API.Auth.login', $actions);
        $this->assertContains('DSM SYNO.Core.User.create', $actions);
        $this->assertContains('CreateAccount: localAPI UpdateClientProduct', $actions);
        foreach (WhmcsHarness::$moduleLog as $entry) {
            $this->assertSame('puqSynology', $entry['module']);
        }

        $main = WhmcsHarness::moduleLogEntries('CreateAccount')[0];
        $this->assertSame('POST', $main['raw']['request']['method']);
        $this->assertSame(self::$daemon->url() . '/v1/account/create', $main['raw']['request']['url']);
        $this->assertSame('********', $main['raw']['request']['body']['server']['password']);
        $this->assertSame('whmcs-admin', $main['raw']['request']['body']['server']['username']);
        $this->assertSame(42, $main['raw']['request']['body']['service_id']);
        $this->assertSame('********', $main['raw']['response']['password']);
        $this->assertSame('7-42-1234', $main['raw']['response']['username']);

        $dsm = WhmcsHarness::moduleLogEntries('DSM SYNO.Core.User.create')[0];
        $this->assertSame('7-42-1234', $dsm['raw']['request']['name']);
        $this->assertSame(array('version' => 1, 'http_status' => 200, 'elapsed_ms' => 30), $dsm['raw']['processed']);

        // $replaceVars: server password, service password, secret and the new password.
        foreach (WhmcsHarness::$moduleLog as $entry) {
            $this->assertContains($params['serverpassword'], $entry['replaceVars'], $entry['action']);
            $this->assertContains($params['password'], $entry['replaceVars'], $entry['action']);
            $this->assertContains(self::$daemon->secret(), $entry['replaceVars'], $entry['action']);
        }
        $this->assertContains('Daemon-Made-Pw#77', $main['replaceVars']);

        $this->assertLogHasNone(array($params['serverpassword'], $params['password'], self::$daemon->secret(),
            'Daemon-Made-Pw#77'));
    }

    public function testChangePasswordNeverLogsTheNewPassword()
    {
        self::$daemon->respond('POST', '/v1/account/change-password', 200, array('username' => '7-42-1234'));
        $params = self::serviceParams(array('password' => 'Brand-New-Pw#2'));
        $this->assertSame('success', puqSynology_ChangePassword($params));
        $entry = WhmcsHarness::moduleLogEntries('ChangePassword')[0];
        $this->assertSame('********', $entry['raw']['request']['body']['password']);
        $this->assertLogHasNone(array('Brand-New-Pw#2', $params['serverpassword'], self::$daemon->secret()));
    }

    public function testAFailedCallIsLoggedOnceWithItsDsmCalls()
    {
        self::$daemon->respond('POST', '/v1/account/create', 502, array('error' => array('code' => 'dsm_error',
            'message' => 'DSM refused SYNO.Core.User create: error 3106.'), 'dsm_calls' => self::dsmCalls()));
        $params = self::serviceParams();
        $this->assertSame('DSM refused SYNO.Core.User create: error 3106.', puqSynology_CreateAccount($params));
        $main = WhmcsHarness::moduleLogEntries('CreateAccount');
        $this->assertCount(1, $main, 'logged once, not again by the catch block');
        $this->assertSame('dsm_error', $main[0]['raw']['response']['error']['code']);
        $this->assertStringStartsWith('Error: DSM refused', $main[0]['raw']['processed']);
        $this->assertCount(1, WhmcsHarness::moduleLogEntries('DSM SYNO.Core.User.create'));
        $this->assertLogHasNone(array($params['serverpassword'], $params['password'], self::$daemon->secret()));
    }

    public function testFailuresBeforeAnyCallAreLoggedToo()
    {
        $this->assertIsString(puqSynology_SuspendAccount(array('serviceid' => 9)));
        $entries = WhmcsHarness::moduleLogEntries('SuspendAccount');
        $this->assertCount(1, $entries);
        $this->assertSame(InvalidArgumentException::class, $entries[0]['raw']['response']['error']['code']);
    }

    public function testASecretInADaemonMessageIsScrubbedFromWhatWhmcsShows()
    {
        // Defence in depth: a daemon message must never contain a password, but if one did, the admin
        // would not see it.
        $params = self::serviceParams();
        self::$daemon->respond('POST', '/v1/account/suspend', 500, array('error' => array('code' => 'internal',
            'message' => 'Login failed for password ' . $params['serverpassword'])));
        $result = puqSynology_SuspendAccount($params);
        $this->assertSame('Login failed for password ********', $result);
        $this->assertStringNotContainsString($params['serverpassword'], WhmcsHarness::moduleLogText());
    }

    public function testWhmcsScrubbingInTheHarnessWorks()
    {
        logModuleCall('puqSynology', 'Test', array('x' => 'abc SECRETVALUE def'), 'SECRETVALUE', 'p', array('SECRETVALUE'));
        $entry = WhmcsHarness::moduleLogEntries('Test')[0];
        $this->assertStringNotContainsString('SECRETVALUE', $entry['request']);
        $this->assertStringNotContainsString('SECRETVALUE', $entry['response']);
        $this->assertStringContainsString('SECRETVALUE', WhmcsHarness::moduleLogRawText(), 'raw keeps what the module passed');
    }

    public function providerMaskedKeys()
    {
        return array(array('password'), array('Password'), array('serverpassword'), array('new_password'),
            array('passwd'), array('secret'), array('sid'), array('_sid'), array('SynoToken'), array('token'));
    }

    /**
     * @dataProvider providerMaskedKeys
     */
    public function testRedactorMasksSecretKeysAtAnyDepth($key)
    {
        $masked = Redactor::mask(array('a' => array('b' => array($key => 'v4lue', 'name' => 'keep'))));
        $this->assertSame(array('a' => array('b' => array($key => '********', 'name' => 'keep'))), $masked);
    }

    public function testRedactorMasksFormEncodedDsmRequests()
    {
        $this->assertSame('api=SYNO.Core.User&method=create&name="u1"&password=********&_sid=********&SynoToken=********',
            Redactor::mask('api=SYNO.Core.User&method=create&name="u1"&password="Pl@in pw"&_sid=abc123&SynoToken=tok'));
        $this->assertSame('api=SYNO.API.Auth&account=admin&passwd=********&otp_code=********',
            Redactor::mask('api=SYNO.API.Auth&account=admin&passwd=S3cret&otp_code=123456'));
        $this->assertSame(array('request' => 'a=1&passwd=********'), Redactor::mask(array('request' => 'a=1&passwd=x')));
        $this->assertSame('name=sidney&description=passwords are masked', Redactor::mask('name=sidney&description=passwords are masked'));
    }

    public function testRedactorKeepsOrdinaryKeys()
    {
        $data = array('username' => 'u', 'description' => 'd', 'passing' => 1, 'service_id' => 4, 'list' => array(1, 2));
        $this->assertSame($data, Redactor::mask($data));
        $this->assertSame('text', Redactor::mask('text'));
    }
}
