<?php
/**
 * Each module function against a scripted fake daemon: the route, the exact body, and what WHMCS gets back.
 */
class ForwardingTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    private static function expectedServer(array $overrides = array())
    {
        return array_merge(array('id' => 5, 'host' => 'nas.example.test', 'port' => 5001, 'secure' => true,
            'username' => 'whmcs-admin', 'password' => 'Srv-Adm1n-Secret#pw', 'verify_tls' => true), $overrides);
    }

    private function assertOnlyRequest($path, array $body)
    {
        $requests = self::$daemon->requests();
        $this->assertCount(1, $requests, 'exactly one daemon request');
        $this->assertSame('POST', $requests[0]['method']);
        $this->assertSame($path, $requests[0]['path']);
        $this->assertTrue($requests[0]['signature_valid']);
        $this->assertSame($body, $requests[0]['decoded']);
    }

    public function testTestConnectionSuccess()
    {
        self::$daemon->respond('POST', '/v1/server/test', 200, array('model' => 'DS918+',
            'version_string' => 'DSM 7.2.1-69057 Update 6', 'dsm_major' => 7, 'dsm_minor' => 2, 'administrator' => true,
            'dsm_calls' => array()));
        $this->assertSame(array('success' => true, 'error' => ''), puqSynology_TestConnection(self::serverParams()));
        $this->assertOnlyRequest('/v1/server/test', array('server' => self::expectedServer()));
    }

    public function testTestConnectionFailureShowsTheDaemonMessage()
    {
        self::$daemon->respond('POST', '/v1/server/test', 502, array('error' => array('code' => 'dsm_auth_failed',
            'message' => 'DSM refused the login of whmcs-admin: wrong password. Check the server password in WHMCS.')));
        $this->assertSame(array('success' => false,
            'error' => 'DSM refused the login of whmcs-admin: wrong password. Check the server password in WHMCS.'),
            puqSynology_TestConnection(self::serverParams()));
    }

    public function testVerifyTlsAndPortAreForwarded()
    {
        self::$daemon->respond('POST', '/v1/server/test', 200, array('model' => 'x'));
        puqSynology_TestConnection(self::serverParams(array('serveraccesshash' => "verify_tls=0", 'serverport' => '',
            'serversecure' => false, 'serverhostname' => '')));
        $this->assertOnlyRequest('/v1/server/test', array('server' => self::expectedServer(array('host' => '192.0.2.10',
            'port' => 5000, 'secure' => false, 'verify_tls' => false))));
    }

    public function testListAccountsMapsNasUsersToServerSyncRows()
    {
        self::$daemon->respond('POST', '/v1/server/accounts', 200, array('accounts' => array(
            array('username' => '7-42-1234', 'email' => 'ada@example.test', 'description' => 'WHMCS service #42',
                'status' => 'Active', 'groups' => array('users', '10G'), 'service_id' => 42,
                'created' => '2026-11-01 10:00:00'),
            array('username' => 'legacy', 'email' => '', 'description' => '', 'status' => 'Suspended',
                'groups' => array('users'), 'service_id' => 0, 'created' => ''),
        ), 'dsm_calls' => array()));
        $result = puqSynology_ListAccounts(self::serverParams());
        $this->assertOnlyRequest('/v1/server/accounts', array('server' => self::expectedServer()));
        $this->assertTrue($result['success']);
        $this->assertCount(2, $result['accounts']);
        $this->assertSame(array('email' => 'ada@example.test', 'username' => '7-42-1234', 'domain' => '',
            'uniqueIdentifier' => '7-42-1234', 'product' => '10G', 'primaryip' => '',
            'created' => '2026-11-01 10:00:00', 'status' => 'Active'), $result['accounts'][0]);
        $this->assertSame('Suspended', $result['accounts'][1]['status']);
        $this->assertSame('', $result['accounts'][1]['product']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $result['accounts'][1]['created']);
    }

    public function testListAccountsFailureIsReported()
    {
        self::$daemon->respond('POST', '/v1/server/accounts', 502, array('error' => array('code' => 'dsm_unreachable',
            'message' => 'Cannot reach the NAS')));
        $this->assertSame(array('success' => false, 'error' => 'Cannot reach the NAS'),
            puqSynology_ListAccounts(self::serverParams()));
    }

    public function testLoaderGroups()
    {
        self::$daemon->respond('POST', '/v1/server/groups', 200, array('groups' => array(
            array('name' => '100G', 'description' => '100 GB quota'),
            array('name' => '10G', 'description' => ''),
            array('name' => 'users', 'description' => 'System default group'),
        ), 'dsm_calls' => array()));
        $this->assertSame(array('100G' => '100G (100 GB quota)', '10G' => '10G', 'users' => 'users (System default group)'),
            puqSynology_LoaderGroups(self::serverParams()));
        $this->assertOnlyRequest('/v1/server/groups', array('server' => self::expectedServer()));
    }

    public function testLoaderGroupsThrowsTheDaemonMessage()
    {
        self::$daemon->respond('POST', '/v1/server/groups', 502, array('error' => array('code' => 'dsm_unreachable',
            'message' => 'Cannot reach the NAS at https://nas.example.test:5001: connection refused.')));
        $this->expectException(Exception::class);
        $this->expectExceptionMessage('Cannot load the Synology groups: Cannot reach the NAS at https://nas.example.test:5001: connection refused.');
        puqSynology_LoaderGroups(self::serverParams());
    }

    public function testLoaderGroupsWithNoGroupsThrows()
    {
        self::$daemon->respond('POST', '/v1/server/groups', 200, array('groups' => array()));
        $this->expectException(Exception::class);
        $this->expectExceptionMessage('no groups');
        puqSynology_LoaderGroups(self::serverParams());
    }

    public function testLoaderEmailTemplatesFallsBackToNone()
    {
        // The fake daemon has no /v1/email-templates route: 404 not_found.
        $this->assertSame(array('None' => 'None'), puqSynology_LoaderEmailTemplates(self::serverParams()));
        $this->assertCount(1, self::$daemon->requests());
        $this->assertSame('/v1/email-templates', self::$daemon->lastRequest()['path']);
        $this->assertSame(array(), self::$daemon->lastRequest()['decoded']);
    }

    public function testLoaderEmailTemplatesListsTheDaemonsTemplates()
    {
        self::$daemon->respond('POST', '/v1/email-templates', 200, array('templates' => array(
            array('name' => 'puqSynology Notification disk limit'), 'Other product mail')));
        $this->assertSame(array('None' => 'None', 'puqSynology Notification disk limit' => 'puqSynology Notification disk limit',
            'Other product mail' => 'Other product mail'), puqSynology_LoaderEmailTemplates(self::serverParams()));
    }

    public function testCreateAccountSavesTheCredentialsThroughLocalApi()
    {
        self::$daemon->respond('POST', '/v1/account/create', 200, array('username' => '7-42-1234',
            'password' => 'New-Passw0rd!abc', 'group' => '10G', 'created' => true, 'dsm_calls' => array()));
        WhmcsHarness::$localApiHandler = function ($command, $values) {
            return array('result' => 'success', 'serviceid' => $values['serviceid']);
        };
        $this->assertSame('success', puqSynology_CreateAccount(self::serviceParams()));
        $this->assertOnlyRequest('/v1/account/create', array('server' => self::expectedServer(), 'service_id' => 42));
        $this->assertCount(1, WhmcsHarness::$localApiCalls);
        $this->assertSame('UpdateClientProduct', WhmcsHarness::$localApiCalls[0]['command']);
        $this->assertSame(array('serviceid' => 42, 'serviceusername' => '7-42-1234', 'servicepassword' => 'New-Passw0rd!abc'),
            WhmcsHarness::$localApiCalls[0]['values']);
    }

    public function testCreateAccountReportsALocalApiFailure()
    {
        self::$daemon->respond('POST', '/v1/account/create', 200, array('username' => '7-42-1234',
            'password' => 'New-Passw0rd!abc', 'group' => '10G', 'created' => true));
        WhmcsHarness::$localApiHandler = function ($command, $values) {
            return array('result' => 'error', 'message' => 'Service ID Not Found');
        };
        $result = puqSynology_CreateAccount(self::serviceParams());
        $this->assertStringContainsString('7-42-1234 was created', $result);
        $this->assertStringContainsString('Service ID Not Found', $result);
        $this->assertStringNotContainsString('New-Passw0rd!abc', $result);
    }

    public function testCreateAccountWithoutCredentialsInTheAnswerIsAnError()
    {
        self::$daemon->respond('POST', '/v1/account/create', 200, array('username' => '', 'created' => true));
        $this->assertStringContainsString('returned no username or password', puqSynology_CreateAccount(self::serviceParams()));
        $this->assertSame(array(), WhmcsHarness::$localApiCalls);
    }

    public function testCreateAccountShowsTheDaemonError()
    {
        self::$daemon->respond('POST', '/v1/account/create', 409, array('error' => array('code' => 'user_exists',
            'message' => 'A DSM user 7-42-1234 already exists and was not made by puqSynology.'), 'dsm_calls' => array()));
        $this->assertSame('A DSM user 7-42-1234 already exists and was not made by puqSynology.',
            puqSynology_CreateAccount(self::serviceParams()));
        $this->assertSame(array(), WhmcsHarness::$localApiCalls);
    }

    public function testTerminateAccount()
    {
        self::$daemon->respond('POST', '/v1/account/terminate', 200, array('username' => '7-42-1234', 'deleted' => true,
            'message' => 'Deleted.'));
        $this->assertSame('success', puqSynology_TerminateAccount(self::serviceParams()));
        $this->assertOnlyRequest('/v1/account/terminate', array('server' => self::expectedServer(), 'service_id' => 42));
    }

    public function testTerminateAccountOfAUserAlreadyGoneIsSuccessAndLogged()
    {
        self::$daemon->respond('POST', '/v1/account/terminate', 200, array('username' => '7-42-1234', 'deleted' => false,
            'message' => 'The DSM user 7-42-1234 did not exist.'));
        $this->assertSame('success', puqSynology_TerminateAccount(self::serviceParams()));
        $found = false;
        foreach (WhmcsHarness::moduleLogEntries('TerminateAccount') as $entry) {
            if (strpos($entry['processed'], 'already gone') !== false) {
                $found = true;
            }
        }
        $this->assertTrue($found, 'the module log says the user was already gone');
    }

    public function providerServiceActions()
    {
        return array(
            'SuspendAccount' => array('SuspendAccount', '/v1/account/suspend'),
            'UnsuspendAccount' => array('UnsuspendAccount', '/v1/account/unsuspend'),
            'ChangePackage' => array('ChangePackage', '/v1/account/change-package'),
            'SyncUsage' => array('SyncUsage', '/v1/usage/sync-service'),
        );
    }

    /**
     * @dataProvider providerServiceActions
     */
    public function testServiceActionsForward($function, $path)
    {
        self::$daemon->respond('POST', $path, 200, array('username' => '7-42-1234', 'dsm_calls' => array()));
        $this->assertSame('success', call_user_func('puqSynology_' . $function, self::serviceParams()));
        $this->assertOnlyRequest($path, array('server' => self::expectedServer(), 'service_id' => 42));
    }

    /**
     * @dataProvider providerServiceActions
     */
    public function testServiceActionsReturnTheDaemonMessage($function, $path)
    {
        self::$daemon->respond('POST', $path, 404, array('error' => array('code' => 'not_found',
            'message' => 'Service 42 has no DSM account yet.')));
        $this->assertSame('Service 42 has no DSM account yet.', call_user_func('puqSynology_' . $function, self::serviceParams()));
    }

    public function testChangePasswordSendsTheNewPassword()
    {
        self::$daemon->respond('POST', '/v1/account/change-password', 200, array('username' => '7-42-1234'));
        $this->assertSame('success', puqSynology_ChangePassword(self::serviceParams(array('password' => 'Brand-New-Pw#2'))));
        $this->assertOnlyRequest('/v1/account/change-password',
            array('server' => self::expectedServer(), 'service_id' => 42, 'password' => 'Brand-New-Pw#2'));
    }

    public function testChangePasswordWithoutPasswordMakesNoCall()
    {
        $this->assertSame('WHMCS passed no new password.', puqSynology_ChangePassword(self::serviceParams(array('password' => ''))));
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testUsageUpdate()
    {
        self::$daemon->respond('POST', '/v1/usage/sync', 200, array('updated' => 3, 'dsm_calls' => array()));
        $this->assertSame('success', puqSynology_UsageUpdate(self::serverParams()));
        $this->assertOnlyRequest('/v1/usage/sync', array('server' => self::expectedServer()));
    }

    public function testUsageUpdateNeverThrows()
    {
        self::$daemon->respond('POST', '/v1/usage/sync', 500, 'Internal Server Error');
        $this->assertStringContainsString('not a JSON object', puqSynology_UsageUpdate(self::serverParams()));
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        $this->assertStringContainsString('not reachable', puqSynology_UsageUpdate(self::serverParams()));
    }

    public function testAdminServicesTabFields()
    {
        // The shape of docs/api.md: POST /v1/account/info.
        self::$daemon->respond('POST', '/v1/account/info', 200, array('username' => '7-42-<b>1234</b>',
            'exists' => true, 'expired' => 'normal', 'email' => 'ada@example.test', 'description' => 'Ada',
            'groups' => array('10G', 'users'), 'group' => '10G', 'dsm_calls' => array()));
        self::$daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer());
        $tab = puqSynology_AdminServicesTabFields(self::serviceParams());
        $this->assertSame(array('API connection', 'DSM user', 'State', 'Groups', 'Email', 'Disk usage', 'Usage history'),
            array_keys($tab));
        $this->assertStringContainsString('OK', $tab['API connection']);
        $this->assertSame(array(
            'DSM user' => '7-42-&lt;b&gt;1234&lt;/b&gt;',
            'State' => 'Active',
            'Groups' => '10G, users',
            'Email' => 'ada@example.test',
        ), array_slice($tab, 1, 4));
        $requests = self::$daemon->requests();
        $this->assertCount(2, $requests);
        $this->assertSame('/v1/account/info', $requests[0]['path']);
        $this->assertSame(array('server' => self::expectedServer(), 'service_id' => 42), $requests[0]['decoded']);
        $this->assertSame('/v1/usage/service', $requests[1]['path']);
        $this->assertSame(array('service_id' => 42, 'days' => 30), $requests[1]['decoded']);
        $this->assertTrue($requests[1]['signature_valid']);
    }

    public function providerDsmStates()
    {
        return array(
            'active' => array(array('exists' => true, 'expired' => 'normal'), 'Active'),
            'suspended' => array(array('exists' => true, 'expired' => 'now'), 'Suspended (account expired)'),
            'expiry date' => array(array('exists' => true, 'expired' => '2030/01/31'), 'Expires 2030/01/31'),
            'missing' => array(array('exists' => false, 'expired' => ''), 'Not found on the NAS'),
        );
    }

    /**
     * @dataProvider providerDsmStates
     */
    public function testAdminServicesTabFieldsState(array $info, $expected)
    {
        self::$daemon->respond('POST', '/v1/account/info', 200, array_merge(array('username' => 'u', 'groups' => array()), $info));
        $this->assertSame($expected, puqSynology_AdminServicesTabFields(self::serviceParams())['State']);
    }

    public function testAdminServicesTabFieldsShowsAnEscapedError()
    {
        self::$daemon->respond('POST', '/v1/account/info', 502, array('error' => array('code' => 'dsm_unreachable',
            'message' => 'Cannot reach <the NAS> & retry')));
        self::$daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer());
        $tab = puqSynology_AdminServicesTabFields(self::serviceParams());
        $this->assertStringContainsString('Cannot reach &lt;the NAS&gt; &amp; retry', $tab['API connection']);
        $this->assertStringNotContainsString('<the NAS>', $tab['API connection']);
        $this->assertArrayNotHasKey('DSM user', $tab);
        // The usage comes from the database: it still shows while the NAS is unreachable.
        $this->assertStringContainsString('6.4213 GB', $tab['Disk usage']);
    }

    public function testAdminServicesTabFieldsSaveReturnsNull()
    {
        $this->assertNull(puqSynology_AdminServicesTabFieldsSave(self::serviceParams()));
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testClientAreaOverview()
    {
        self::$daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer(
            array('instruction_link' => 'https://docs.example.test/synology')));
        $area = puqSynology_ClientArea(self::serviceParams());
        $this->assertSame('templates/overview.tpl', $area['tabOverviewModuleOutputTemplate']);
        $this->assertSame('7-42-1234', $area['templateVariables']['puqUsername']);
        $this->assertSame('https://nas.example.test:5001', $area['templateVariables']['puqWebUrl']);
        $this->assertSame('https://docs.example.test/synology', $area['templateVariables']['puqInstructionUrl'],
            'the link comes from the daemon\'s answer');
        $this->assertSame('Username', $area['templateVariables']['puqLang']['puqSynology_username']);
        $this->assertFileExists(PUQ_MODULE_DIR . '/' . $area['tabOverviewModuleOutputTemplate']);
        $this->assertOnlyRequest('/v1/usage/service', array('service_id' => 42, 'days' => 30));
    }

    public function testClientAreaLinksOnlyWebAddresses()
    {
        foreach (array('javascript:alert(1)', 'ftp://x/manual', 'https://a b', '//example.test', 'https://x/"><b>') as $bad) {
            self::$daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer(array('instruction_link' => $bad)));
            $area = puqSynology_ClientArea(self::serviceParams());
            $this->assertSame('', $area['templateVariables']['puqInstructionUrl'], $bad);
        }
        self::$daemon->respond('POST', '/v1/usage/service', 200,
            UsageFixtures::serviceAnswer(array('instruction_link' => ' HTTP://example.test/m?a=1 ')));
        $area = puqSynology_ClientArea(self::serviceParams());
        $this->assertSame('HTTP://example.test/m?a=1', $area['templateVariables']['puqInstructionUrl']);
    }

    public function testClientAreaWithoutTheDaemonFallsBackToTheProductLinkAndHidesThePassword()
    {
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        $area = puqSynology_ClientArea(self::serviceParams(array('configoption7' => 'javascript:alert(1)')));
        $this->assertSame('', $area['templateVariables']['puqInstructionUrl']);
        $area = puqSynology_ClientArea(self::serviceParams());
        $vars = $area['templateVariables'];
        $this->assertSame('templates/overview.tpl', $area['tabOverviewModuleOutputTemplate'], 'the page still shows');
        $this->assertSame('https://example.test/manual', $vars['puqInstructionUrl']);
        $this->assertSame('hidden', $vars['puqPasswordMode']);
        $this->assertSame('', $vars['puqPassword']);
        $this->assertNull($vars['puqUsage']);
        $this->assertSame('The disk usage cannot be shown right now. Please try again later.', $vars['puqUsageError']);
        $this->assertStringNotContainsString('127.0.0.1', json_encode($vars), 'no daemon details for the client');
    }

    public function testClientAreaOfAServiceNotProvisionedYetKeepsTheOverview()
    {
        $area = puqSynology_ClientArea(self::serviceParams(array('username' => '')));
        $this->assertArrayNotHasKey('tabOverviewReplacementTemplate', $area);
        $this->assertSame('templates/error.tpl', $area['tabOverviewModuleOutputTemplate']);
        $this->assertSame('This storage account has not been set up yet.', $area['templateVariables']['usefulErrorHelper']);
    }
}
