<?php
/**
 * The module against the real daemon, the DSM simulator and the WHMCS database: what a WHMCS admin does
 * when setting up a server and a product, then a service's life.
 */
class ProvisioningTest extends IntegrationTestCase
{
    /** @var SimControl */
    private static $sim;
    private static $serverGroupId;
    private static $serverId;
    private static $productId;

    /** The groups scripts/stack-up.sh seeds (seeded again here: idempotent, and the test does not reset the NAS). */
    const GROUPS = array(
        array('name' => '10G', 'description' => '10 GB on homes'),
        array('name' => '100G', 'description' => '100 GB on homes'),
    );

    public static function setUpBeforeClass(): void
    {
        parent::setUpBeforeClass();
        self::$sim = new SimControl(WhmcsHarness::env('DSM_SIM_CONTROL_URL'));
        self::$sim->setGroups(self::GROUPS);

        self::$serverGroupId = WhmcsHarness::seedServerGroup();
        self::$serverId = WhmcsHarness::seedServer(self::dsmServer(), self::$serverGroupId);
        self::$productId = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G'), self::$serverGroupId);
    }

    /**
     * The simulator as a WHMCS server record. TLS is verified (the daemon trusts the simulator's certificate
     * through [dsm] ca_file) unless the stack gives no certificate (DSM_SIM_CERT), then verify_tls=0.
     */
    private static function dsmServer(array $overrides = array())
    {
        $secure = \WHMCS\Module\Server\PuqSynology\Server::flag(WhmcsHarness::env('DSM_SECURE'));
        return array_merge(array(
            'host' => WhmcsHarness::env('DSM_HOST'),
            'ip' => WhmcsHarness::env('DSM_HOST'),
            'port' => WhmcsHarness::env('DSM_PORT'),
            'secure' => $secure,
            'username' => WhmcsHarness::env('DSM_ADMIN_USER'),
            'password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
            'accesshash' => ($secure && WhmcsHarness::env('DSM_SIM_CERT') === null) ? 'verify_tls=0' : '',
        ), $overrides);
    }

    public function testTestConnectionSucceeds()
    {
        $result = puqSynology_TestConnection(WhmcsHarness::paramsForServer(self::$serverId));
        $this->assertSame(array('success' => true, 'error' => ''), $result, self::logDump());
        $this->assertNotEmpty(WhmcsHarness::moduleLogEntries('TestConnection'));
        $this->assertLogHasNone(array('the DSM admin password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
            'the daemon secret' => self::daemonSecret()));
    }

    public function testTestConnectionWithAWrongPasswordFailsWithAMessage()
    {
        $wrong = 'Wrong-Passw0rd-' . bin2hex(random_bytes(4));
        $serverId = WhmcsHarness::seedServer(self::dsmServer(array('password' => $wrong)));
        $result = puqSynology_TestConnection(WhmcsHarness::paramsForServer($serverId));
        $this->assertFalse($result['success'], self::logDump());
        $this->assertIsString($result['error']);
        $this->assertGreaterThan(10, strlen($result['error']), 'a message an admin can act on: ' . $result['error']);
        $this->assertStringNotContainsString($wrong, $result['error']);
        $this->assertLogHasNone(array('the wrong password' => $wrong, 'the daemon secret' => self::daemonSecret()));
    }

    public function testLoaderGroupsListsTheNasGroups()
    {
        $groups = puqSynology_LoaderGroups(WhmcsHarness::paramsForServer(self::$serverId));
        $this->assertIsArray($groups);
        $this->assertArrayHasKey('10G', $groups, self::logDump());
        $this->assertSame('10G (10 GB on homes)', $groups['10G']);
        $this->assertSame('100G (100 GB on homes)', $groups['100G']);
    }

    public function testAServicesLife()
    {
        $clientId = WhmcsHarness::seedClient();
        $serviceId = WhmcsHarness::seedService($clientId, self::$productId, self::$serverId);

        // Create
        $result = puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId));
        $this->assertSame('success', $result, self::logDump());

        $row = WhmcsHarness::row('tblhosting', $serviceId);
        $username = $row['username'];
        $this->assertMatchesRegularExpression('/^' . $clientId . '-' . $serviceId . '-\d{4}$/', $username,
            'tblhosting.username follows the product\'s username rule');
        $password = WhmcsHarness::decrypt($row['password']);
        $this->assertNotSame('', $password, 'tblhosting.password is set (encrypted)');
        $this->assertNotSame($password, $row['password'], 'stored encrypted, not in clear');

        $saved = null;
        foreach (WhmcsHarness::$localApiCalls as $call) {
            if ($call['command'] === 'UpdateClientProduct') {
                $saved = $call['values'];
            }
        }
        $this->assertNotNull($saved, 'the module saved the credentials through localAPI');
        $this->assertSame($password, $saved['servicepassword'], 'tblhosting.password decrypts to the daemon\'s password');
        $this->assertSame($username, $saved['serviceusername']);
        $this->assertGreaterThanOrEqual(12, strlen($password), 'Password rule 12');
        $this->assertMatchesRegularExpression('/[a-z]/', $password);
        $this->assertMatchesRegularExpression('/[A-Z]/', $password);
        $this->assertMatchesRegularExpression('/[0-9]/', $password);
        $this->assertMatchesRegularExpression('/[^A-Za-z0-9]/', $password);

        $state = self::$sim->state();
        $user = SimControl::findUser($state, $username);
        $this->assertNotNull($user, "the simulator has the DSM user $username");
        $this->assertContains('10G', SimControl::groupsOf($state, $username), 'the user is in the product\'s group');
        if (isset($user['password'])) {
            $this->assertSame($password, $user['password']);
        }

        $dsmEntries = array_filter(WhmcsHarness::$moduleLog, function ($e) {
            return strpos($e['action'], 'DSM ') === 0;
        });
        $this->assertNotEmpty($dsmEntries, 'each DSM request is in the module log');
        $this->assertNotEmpty(WhmcsHarness::moduleLogEntries('CreateAccount'));

        $params = WhmcsHarness::paramsForService($serviceId);

        // The admin's service tab
        $tab = puqSynology_AdminServicesTabFields($params);
        $this->assertArrayHasKey('API connection', $tab, print_r($tab, true));
        $this->assertSame(html_entity_decode('&#10004;', ENT_QUOTES, 'UTF-8') . ' OK',
            html_entity_decode(strip_tags($tab['API connection']), ENT_QUOTES, 'UTF-8'), print_r($tab, true));
        $this->assertSame($username, $tab['DSM user']);
        $this->assertSame('Active', $tab['State']);
        $this->assertStringContainsString('10G', $tab['Groups']);

        // Suspend, unsuspend
        $this->assertSame('success', puqSynology_SuspendAccount($params), self::logDump());
        $this->assertSame('now', SimControl::findUser(self::$sim->state(), $username)['expired']);
        $this->assertSame('Suspended (account expired)', puqSynology_AdminServicesTabFields($params)['State']);
        $this->assertSame('success', puqSynology_UnsuspendAccount($params), self::logDump());
        $this->assertSame('normal', SimControl::findUser(self::$sim->state(), $username)['expired']);

        // Change password: WHMCS saves the new password, then calls the module with it.
        $newPassword = 'Chg-' . bin2hex(random_bytes(5)) . '-Pw!9';
        WhmcsHarness::update('tblhosting', $serviceId, array('password' => WhmcsHarness::encrypt($newPassword)));
        $params = WhmcsHarness::paramsForService($serviceId);
        $this->assertSame('success', puqSynology_ChangePassword($params), self::logDump());
        $weak = puqSynology_ChangePassword(array_merge($params, array('password' => 'abc')));
        $this->assertNotSame('success', $weak, 'a password the policy refuses is refused');
        $this->assertGreaterThan(10, strlen($weak), 'with a message the client can act on: ' . $weak);

        // Change package: the service moves to a product whose group is 100G.
        $product100 = WhmcsHarness::seedProduct(array(1 => '100', 2 => 'GB', 3 => '100G'), self::$serverGroupId);
        WhmcsHarness::update('tblhosting', $serviceId, array('packageid' => $product100));
        $params = WhmcsHarness::paramsForService($serviceId);
        $this->assertSame('success', puqSynology_ChangePackage($params), self::logDump());
        $groups = SimControl::groupsOf(self::$sim->state(), $username);
        $this->assertContains('100G', $groups);
        $this->assertNotContains('10G', $groups);

        // Terminate
        $params = WhmcsHarness::paramsForService($serviceId);
        $this->assertSame($username, $params['username']);
        $this->assertSame($newPassword, $params['password']);
        $this->assertSame('success', puqSynology_TerminateAccount($params), self::logDump());
        $this->assertNull(SimControl::findUser(self::$sim->state(), $username), 'the DSM user is deleted');

        // Terminate again: the user is already gone, which is still success.
        $this->assertSame('success', puqSynology_TerminateAccount($params), self::logDump());

        $this->assertLogHasNone(array(
            'the DSM admin password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
            'the user\'s first password' => $password,
            'the user\'s new password' => $newPassword,
            'the daemon secret' => self::daemonSecret(),
        ));
    }

    /**
     * Two WHMCS server records for the same NAS and admin (a server re-added, or one NAS in two server
     * groups): each service is provisioned through its own server record.
     */
    public function testTwoWhmcsServersForTheSameNas()
    {
        // A call on the first record first, so that the daemon has a session for this NAS.
        $this->assertTrue(puqSynology_TestConnection(WhmcsHarness::paramsForServer(self::$serverId))['success']);
        $groupId = WhmcsHarness::seedServerGroup();
        $serverId = WhmcsHarness::seedServer(self::dsmServer(array('name' => 'Same NAS, second record')), $groupId);
        $productId = WhmcsHarness::seedProduct(array(3 => '10G'), $groupId);
        $serviceId = WhmcsHarness::seedService(WhmcsHarness::seedClient(), $productId, $serverId);

        $this->assertSame('success', puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
        $username = WhmcsHarness::row('tblhosting', $serviceId)['username'];
        $this->assertNotNull(SimControl::findUser(self::$sim->state(), $username));
        $this->assertSame('success', puqSynology_TerminateAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
        $this->assertNull(SimControl::findUser(self::$sim->state(), $username));
    }

    public function testServerSyncListsOurUsersWithTheirServiceAndState()
    {
        $serviceId = WhmcsHarness::seedService(WhmcsHarness::seedClient(), self::$productId, self::$serverId);
        $this->assertSame('success', puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
        $this->assertSame('success', puqSynology_SuspendAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
        $username = WhmcsHarness::row('tblhosting', $serviceId)['username'];

        $result = puqSynology_ListAccounts(WhmcsHarness::paramsForServer(self::$serverId));
        $this->assertTrue($result['success'], isset($result['error']) ? $result['error'] : '');
        $rows = array();
        foreach ($result['accounts'] as $account) {
            $rows[$account['username']] = $account;
        }
        $this->assertArrayHasKey($username, $rows);
        $this->assertSame('10G', $rows[$username]['product']);
        $this->assertSame('Suspended', $rows[$username]['status']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $rows[$username]['created']);
        $this->assertArrayNotHasKey(WhmcsHarness::env('DSM_ADMIN_USER'), $rows, 'administrators are not offered for import');
        $this->assertSame('success', puqSynology_TerminateAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
    }

    public function testCreateWithoutAServerFailsWithoutACall()
    {
        $clientId = WhmcsHarness::seedClient();
        $serviceId = WhmcsHarness::seedService($clientId, self::$productId, 0);
        $result = puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId));
        $this->assertStringContainsString('No server is assigned', $result);
    }
}
