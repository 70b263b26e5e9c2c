<?php
/**
 * The harness against the WHMCS database: seeding, $params as WHMCS builds them, localAPI writes.
 * Needs only the database (WHMCS_DB_*).
 */
class HarnessDatabaseTest extends IntegrationTestCase
{
    protected static function requiredEnv()
    {
        return array('WHMCS_DB_USER', 'WHMCS_DB_NAME');
    }

    public function testParamsForService()
    {
        $groupId = WhmcsHarness::seedServerGroup();
        $serverId = WhmcsHarness::seedServer(array('host' => 'nas.example.test', 'ip' => '192.0.2.7', 'port' => 5001,
            'secure' => true, 'username' => 'admin', 'password' => 'S3rver-Pw!', 'accesshash' => 'verify_tls=0'), $groupId);
        $productId = WhmcsHarness::seedProduct(array(3 => '10G', 7 => 'https://example.test/m'), $groupId);
        $clientId = WhmcsHarness::seedClient(array('firstname' => 'Ada', 'email' => 'ada@example.test'));
        $serviceId = WhmcsHarness::seedService($clientId, $productId, $serverId,
            array('username' => 'ada1', 'password' => 'Svc-Pw#1', 'domain' => 'ada.example.test'));

        $p = WhmcsHarness::paramsForService($serviceId);
        $this->assertSame($serviceId, $p['serviceid']);
        $this->assertSame($clientId, $p['userid']);
        $this->assertSame($productId, $p['pid']);
        $this->assertSame($serverId, $p['serverid']);
        $this->assertSame('ada.example.test', $p['domain']);
        $this->assertSame('ada1', $p['username']);
        $this->assertSame('Svc-Pw#1', $p['password'], 'decrypted, as WHMCS passes it');
        $this->assertSame('other', $p['producttype']);
        $this->assertSame('puqSynology', $p['moduletype']);
        $this->assertSame('0', $p['configoption1']);
        $this->assertSame('GB', $p['configoption2']);
        $this->assertSame('10G', $p['configoption3']);
        $this->assertSame('https://example.test/m', $p['configoption7']);
        $this->assertSame('{client_id}-{service_id}-{random_digit_4}', $p['configoption9']);
        $this->assertSame('', $p['configoption24']);
        $this->assertSame('Ada', $p['clientsdetails']['firstname']);
        $this->assertSame('ada@example.test', $p['clientsdetails']['email']);
        $this->assertSame(array(), $p['customfields']);
        $this->assertSame(array(), $p['configoptions']);
        $this->assertTrue($p['server']);
        $this->assertSame('192.0.2.7', $p['serverip']);
        $this->assertSame('nas.example.test', $p['serverhostname']);
        $this->assertSame('admin', $p['serverusername']);
        $this->assertSame('S3rver-Pw!', $p['serverpassword'], 'decrypted from tblservers.password');
        $this->assertSame('verify_tls=0', $p['serveraccesshash']);
        $this->assertTrue($p['serversecure']);
        $this->assertSame('5001', $p['serverport']);
        $this->assertSame('https', $p['serverhttpprefix']);

        $row = WhmcsHarness::row('tblservers', $serverId);
        $this->assertSame('on', $row['secure']);
        $this->assertNotSame('S3rver-Pw!', $row['password'], 'tblservers.password is stored encrypted');

        $s = WhmcsHarness::paramsForServer($serverId);
        $this->assertSame(array('serverid', 'serverip', 'serverhostname', 'serverusername', 'serverpassword',
            'serveraccesshash', 'serversecure', 'serverport', 'serverhttpprefix'), array_keys($s));
    }

    public function testUpdateClientProductStoresTheCredentialsEncrypted()
    {
        $groupId = WhmcsHarness::seedServerGroup();
        $serverId = WhmcsHarness::seedServer(array('host' => 'nas', 'password' => 'x'), $groupId);
        $productId = WhmcsHarness::seedProduct(array(), $groupId);
        $serviceId = WhmcsHarness::seedService(WhmcsHarness::seedClient(), $productId, $serverId);

        $result = localAPI('UpdateClientProduct', array('serviceid' => $serviceId, 'serviceusername' => 'u-1',
            'servicepassword' => 'N3w-Pass!word'));
        $this->assertSame(array('result' => 'success', 'serviceid' => $serviceId), $result);
        $row = WhmcsHarness::row('tblhosting', $serviceId);
        $this->assertSame('u-1', $row['username']);
        $this->assertNotSame('N3w-Pass!word', $row['password']);
        $this->assertSame('N3w-Pass!word', WhmcsHarness::decrypt($row['password']));
        $this->assertSame('N3w-Pass!word', localAPI('DecryptPassword', array('password2' => $row['password']))['password']);

        $products = localAPI('GetClientsProducts', array('serviceid' => $serviceId));
        $this->assertSame('success', $products['result']);
        $this->assertSame(1, $products['totalresults']);
        $this->assertSame('u-1', $products['products']['product'][0]['username']);
        $this->assertSame('N3w-Pass!word', $products['products']['product'][0]['password']);

        $this->assertSame(array('result' => 'error', 'message' => 'Service ID Not Found'),
            localAPI('UpdateClientProduct', array('serviceid' => 999999999)));
    }
}
