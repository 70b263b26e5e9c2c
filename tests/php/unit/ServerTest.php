<?php
use WHMCS\Module\Server\PuqSynology\Server;

/** The daemon's "server" object built from WHMCS $params (docs/api.md, "The server object"). */
class ServerTest extends ModuleTestCase
{
    public function testSecureServer()
    {
        $this->assertSame(array(
            'id' => 5,
            'host' => 'nas.example.test',
            'port' => 5001,
            'secure' => true,
            'username' => 'whmcs-admin',
            'password' => 'Srv-Adm1n-Secret#pw',
            'verify_tls' => true,
        ), Server::fromParams(self::serviceParams()));
    }

    public function testHostFallsBackToTheIpAddress()
    {
        $server = Server::fromParams(self::serviceParams(array('serverhostname' => '  ')));
        $this->assertSame('192.0.2.10', $server['host']);
    }

    public function providerPorts()
    {
        return array(
            'explicit port' => array('6001', true, 6001),
            'explicit port, plain' => array('8080', false, 8080),
            'empty, secure' => array('', true, 5001),
            'empty, plain' => array('', false, 5000),
            'zero, secure' => array('0', true, 5001),
            'null, plain' => array(null, false, 5000),
            'out of range' => array('70000', true, 5001),
        );
    }

    /**
     * @dataProvider providerPorts
     */
    public function testPortDefaults($port, $secure, $expected)
    {
        $server = Server::fromParams(self::serviceParams(array('serverport' => $port, 'serversecure' => $secure)));
        $this->assertSame($expected, $server['port']);
        $this->assertSame($secure, $server['secure']);
    }

    public function providerSecureFlags()
    {
        return array(array(true, true), array(false, false), array('on', true), array('1', true), array('', false),
            array('0', false), array('off', false), array(null, false), array(1, true));
    }

    /**
     * @dataProvider providerSecureFlags
     */
    public function testSecureFlagForms($value, $expected)
    {
        $this->assertSame($expected, Server::fromParams(self::serviceParams(array('serversecure' => $value)))['secure']);
    }

    public function providerAccessHashes()
    {
        return array(
            'empty' => array('', true),
            'null' => array(null, true),
            'verify_tls=0' => array('verify_tls=0', false),
            'verify_tls=no' => array('verify_tls=no', false),
            'verify_tls=false' => array('verify_tls=false', false),
            'upper case, spaces' => array("  VERIFY_TLS = False  ", false),
            'among other lines' => array("sid=abc\r\nverify_tls=0\nother=1", false),
            'verify_tls=1' => array('verify_tls=1', true),
            'verify_tls=yes' => array('verify_tls=yes', true),
            'other text only' => array('some access key', true),
            'substring only' => array('noverify_tls=0', true),
            'value suffix' => array('verify_tls=0x', true),
        );
    }

    /**
     * @dataProvider providerAccessHashes
     */
    public function testVerifyTlsComesFromTheAccessHash($hash, $expected)
    {
        $this->assertSame($expected, Server::fromParams(self::serviceParams(array('serveraccesshash' => $hash)))['verify_tls']);
    }

    public function testMissingHostIsRefusedBeforeAnyCall()
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('No server is assigned');
        Server::requireFromParams(array('serverid' => 3, 'serverhostname' => '', 'serverip' => ''));
    }

    public function testWebUrl()
    {
        $this->assertSame('https://nas.example.test:5001', Server::webUrl(Server::fromParams(self::serviceParams())));
        $this->assertSame('http://192.0.2.10:5000', Server::webUrl(Server::fromParams(
            self::serviceParams(array('serverhostname' => '', 'serversecure' => false, 'serverport' => '')))));
        $this->assertSame('https://[2001:db8::1]:5001', Server::webUrl(Server::fromParams(
            self::serviceParams(array('serverhostname' => '2001:db8::1')))));
    }
}
