<?php
use WHMCS\Module\Server\PuqSynology\DaemonClient;

/**
 * Request signing (docs/api.md, "Authentication"): fixed vectors computed outside PHP, and a real
 * request to a php -S server that checks the three headers itself.
 */
class SigningTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    public function testSignatureMatchesAVectorComputedWithOpenssl()
    {
        // printf '1700000000\n0123...\nPOST\n/v1/account/create\n{...}' | openssl dgst -sha256 -hmac test-secret-value
        $this->assertSame('b99b0da1aedbcdcd1ee1455663e01adf7ffb5201f6caaa7b75c7db24c9532a77',
            DaemonClient::sign('test-secret-value', '1700000000', '0123456789abcdef0123456789abcdef', 'POST',
                '/v1/account/create', '{"server":{"id":3},"service_id":42}'));
        $this->assertSame('9a3d484b4f1658f2e5dd972d3ab208d6b633dcba337d5d1426430d3f6ed3a450',
            DaemonClient::sign('test-secret-value', '1700000000', 'ABCDEFGHIJKLMNOP', 'GET', '/v1/health', ''));
    }

    public function testSignatureMatchesTheDocumentedStringComputedHere()
    {
        $ts = '1712345678';
        $nonce = 'Zx9' . str_repeat('a', 29);
        $body = '{"server":{"password":"p\u00e4ss"}}';
        $expected = hash_hmac('sha256', implode("\n", array($ts, $nonce, 'POST', '/v1/server/test', $body)), 'k3y');
        $this->assertSame($expected, DaemonClient::sign('k3y', $ts, $nonce, 'post', '/v1/server/test', $body));
        $this->assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $expected);
    }

    public function testNonceIs32AlphanumericCharactersAndNew()
    {
        $seen = array();
        for ($i = 0; $i < 50; $i++) {
            $nonce = DaemonClient::newNonce();
            $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{32}$/', $nonce);
            $seen[$nonce] = true;
        }
        $this->assertCount(50, $seen);
    }

    public function testARealRequestCarriesTheThreeHeadersAndAValidSignature()
    {
        self::$daemon->respond('POST', '/v1/server/test', 200, array('model' => 'DS918+', 'dsm_calls' => array()));
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
        $before = time();
        $answer = $client->post('/v1/server/test', array('server' => array('id' => 3, 'host' => 'nas', 'password' => 'pä/ss')));
        $this->assertSame('DS918+', $answer['model']);
        $this->assertSame(array(), $answer['dsm_calls'], 'the client returns dsm_calls');

        $r = self::$daemon->lastRequest();
        $this->assertSame('POST', $r['method']);
        $this->assertSame('/v1/server/test', $r['path']);
        $this->assertTrue($r['signature_valid'], 'the php -S server verified the signature');
        $this->assertMatchesRegularExpression('/^\d+$/', $r['headers']['x-puq-timestamp']);
        $this->assertLessThanOrEqual(5, abs((int) $r['headers']['x-puq-timestamp'] - $before));
        $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{16,64}$/', $r['headers']['x-puq-nonce']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $r['headers']['x-puq-signature']);
        $this->assertStringStartsWith('application/json', $r['headers']['content-type']);
        // Recompute the signature here from what was received.
        $this->assertSame(hash_hmac('sha256', $r['headers']['x-puq-timestamp'] . "\n" . $r['headers']['x-puq-nonce']
            . "\nPOST\n/v1/server/test\n" . $r['body'], self::$daemon->secret()), $r['headers']['x-puq-signature']);
        $this->assertSame(array('server' => array('id' => 3, 'host' => 'nas', 'password' => 'pä/ss')), $r['decoded']);
    }

    public function testEveryRequestGetsANewNonce()
    {
        self::$daemon->respond('POST', '/v1/server/groups', 200, array('groups' => array()));
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
        $client->post('/v1/server/groups', array('server' => array('id' => 1)));
        $client->post('/v1/server/groups', array('server' => array('id' => 1)));
        $requests = self::$daemon->requests();
        $this->assertCount(2, $requests);
        $this->assertNotSame($requests[0]['headers']['x-puq-nonce'], $requests[1]['headers']['x-puq-nonce']);
    }

    public function testGetSignsAnEmptyBodyAndTheQueryIsNotSigned()
    {
        self::$daemon->respond('GET', '/v1/health', 200, array('status' => 'ok'));
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
        $this->assertSame(array('status' => 'ok'), $client->get('/v1/health?verbose=1'));
        $r = self::$daemon->lastRequest();
        $this->assertSame('', $r['body']);
        $this->assertSame('/v1/health', $r['path']);
        $this->assertTrue($r['signature_valid']);
    }

    public function testTheSecretIsTrimmed()
    {
        $file = tempnam(sys_get_temp_dir(), 'puq-secret');
        file_put_contents($file, "  \n" . self::$daemon->secret() . "\n\n");
        self::$daemon->respond('POST', '/v1/server/test', 200, array('model' => 'x'));
        $client = new DaemonClient(self::$daemon->url(), $file, 5, 2);
        $client->post('/v1/server/test', array());
        unlink($file);
        $this->assertTrue(self::$daemon->lastRequest()['signature_valid']);
        $this->assertSame('{}', self::$daemon->lastRequest()['body'], 'an empty body is a JSON object');
    }

    public function testAWrongSecretIsRefusedWithTheDaemonsMessage()
    {
        $file = tempnam(sys_get_temp_dir(), 'puq-secret');
        file_put_contents($file, 'not-the-daemon-secret');
        $client = new DaemonClient(self::$daemon->url(), $file, 5, 2);
        try {
            $client->post('/v1/server/test', array());
            $this->fail('expected a DaemonException');
        } catch (\WHMCS\Module\Server\PuqSynology\DaemonException $e) {
            $this->assertSame('unauthorized', $e->getErrorCode());
            $this->assertSame(401, $e->getHttpStatus());
            $this->assertSame('The request signature is not valid.', $e->getMessage(), 'the daemon\'s own message');
        } finally {
            unlink($file);
        }
    }
}
