<?php
use WHMCS\Module\Server\PuqSynology\DaemonClient;
use WHMCS\Module\Server\PuqSynology\DaemonException;

/** Clear messages for everything that can go wrong between the module and the daemon. */
class ErrorsTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    public function testDaemonUnreachable()
    {
        $port = FakeDaemon::freePort();
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . $port);
        $start = microtime(true);
        $result = puqSynology_TestConnection(self::serverParams());
        $this->assertLessThan(10, microtime(true) - $start);
        $this->assertFalse($result['success']);
        $this->assertStringStartsWith('The puqSynology daemon is not reachable at http://127.0.0.1:' . $port . ': ', $result['error']);
        $this->assertStringContainsString('Is puq-synologyd running?', $result['error']);

        $this->assertStringContainsString('Is puq-synologyd running?', puqSynology_CreateAccount(self::serviceParams()));
        $tab = puqSynology_AdminServicesTabFields(self::serviceParams());
        $this->assertStringContainsString('Is puq-synologyd running?', $tab['API connection']);
        $this->assertCount(1, $tab, 'no second attempt for the usage when the daemon does not answer');
    }

    public function testDaemonUnreachableIsADaemonException()
    {
        $client = new DaemonClient('http://127.0.0.1:' . FakeDaemon::freePort(), self::$daemon->secretFile(), 5, 2);
        try {
            $client->post('/v1/server/test', array());
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('daemon_unreachable', $e->getErrorCode());
            $this->assertSame(0, $e->getHttpStatus());
        }
    }

    public function testSecretFileMissing()
    {
        putenv('PUQ_SECRET_FILE=/nonexistent/puq/secret');
        $result = puqSynology_CreateAccount(self::serviceParams());
        $this->assertStringContainsString('/nonexistent/puq/secret', $result);
        $this->assertStringContainsString('check secret_file in modules/servers/puqSynology/config.php', $result);
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testSecretFileUnreadable()
    {
        if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
            // root reads every file: simulate "unreadable" with a directory in its place instead.
            $path = sys_get_temp_dir() . '/puq-secret-dir-' . getmypid();
            @mkdir($path);
            putenv('PUQ_SECRET_FILE=' . $path);
            $result = puqSynology_TestConnection(self::serverParams());
            rmdir($path);
        } else {
            $path = tempnam(sys_get_temp_dir(), 'puq-secret');
            file_put_contents($path, 'x');
            chmod($path, 0000);
            putenv('PUQ_SECRET_FILE=' . $path);
            $result = puqSynology_TestConnection(self::serverParams());
            unlink($path);
        }
        $this->assertFalse($result['success']);
        $this->assertStringContainsString('check secret_file in modules/servers/puqSynology/config.php', $result['error']);
    }

    public function testSecretFileEmpty()
    {
        $path = tempnam(sys_get_temp_dir(), 'puq-secret');
        file_put_contents($path, "  \n");
        putenv('PUQ_SECRET_FILE=' . $path);
        $result = puqSynology_TestConnection(self::serverParams());
        unlink($path);
        $this->assertStringContainsString('is empty: check secret_file', $result['error']);
    }

    public function testNonJsonAnswer()
    {
        self::$daemon->respond('POST', '/v1/server/test', 200, "<html><body>It works!</body></html>");
        $result = puqSynology_TestConnection(self::serverParams());
        $this->assertFalse($result['success']);
        $this->assertStringContainsString('not a JSON object', $result['error']);
        $this->assertStringContainsString('It works!', $result['error']);
        $this->assertStringContainsString('HTTP 200', $result['error']);
    }

    public function testErrorStatusWithoutEnvelope()
    {
        self::$daemon->respond('POST', '/v1/server/test', 503, array('status' => 'starting'));
        $result = puqSynology_TestConnection(self::serverParams());
        $this->assertStringContainsString('HTTP 503 and no error message', $result['error']);
    }

    public function testDaemonErrorCarriesCodeMessageAndStatus()
    {
        self::$daemon->respond('POST', '/v1/account/create', 422, array('error' => array('code' => 'setting_invalid',
            'message' => 'Password rule: "abc" is not a number (configoption10).'), 'dsm_calls' => array()));
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
        try {
            $client->post('/v1/account/create', array('service_id' => 1));
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('setting_invalid', $e->getErrorCode());
            $this->assertSame('Password rule: "abc" is not a number (configoption10).', $e->getMessage());
            $this->assertSame(422, $e->getHttpStatus());
            $this->assertSame(array(), $e->getDsmCalls());
        }
    }

    public function testAnOverloadedDaemonIsAskedAgainWithAFreshSignature()
    {
        $overloaded = array('error' => array('code' => 'overloaded',
            'message' => 'puq-synologyd is busy: ... This request was not run; retry it.'));
        self::$daemon->respond('POST', '/v1/account/suspend', 200, array('status' => 'suspended'));
        self::$daemon->respondFirst('POST', '/v1/account/suspend', array(array(503, $overloaded), array(503, $overloaded)));
        $saved = DaemonClient::$overloadRetryDelaysMs;
        DaemonClient::$overloadRetryDelaysMs = array(10, 10, 10);
        try {
            $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
            $answer = $client->post('/v1/account/suspend', array('service_id' => 7));
        } finally {
            DaemonClient::$overloadRetryDelaysMs = $saved;
        }
        $this->assertSame('suspended', $answer['status']);
        $requests = self::$daemon->requests();
        $this->assertCount(3, $requests);
        $nonces = array_map(function ($r) { return $r['headers']['x-puq-nonce']; }, $requests);
        $this->assertCount(3, array_unique($nonces), 'each resend is signed with a new nonce');
    }

    public function testAnOverloadedDaemonThatStaysFullGivesItsMessage()
    {
        $overloaded = array('error' => array('code' => 'overloaded', 'message' => 'puq-synologyd is busy; retry it.'));
        self::$daemon->respond('POST', '/v1/account/unsuspend', 503, $overloaded);
        $saved = DaemonClient::$overloadRetryDelaysMs;
        DaemonClient::$overloadRetryDelaysMs = array(10, 10);
        try {
            $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
            $client->post('/v1/account/unsuspend', array('service_id' => 7));
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('overloaded', $e->getErrorCode());
            $this->assertSame(503, $e->getHttpStatus());
        } finally {
            DaemonClient::$overloadRetryDelaysMs = $saved;
        }
        $this->assertCount(3, self::$daemon->requests(), 'one request and two resends');
    }

    public function testAnotherErrorIsNotSentAgain()
    {
        self::$daemon->respond('POST', '/v1/account/terminate', 503,
            array('error' => array('code' => 'database_error', 'message' => 'All 4 connections busy')));
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 5, 2);
        try {
            $client->post('/v1/account/terminate', array('service_id' => 7));
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('database_error', $e->getErrorCode());
        }
        $this->assertCount(1, self::$daemon->requests());
    }

    public function testDaemonErrorWithoutMessage()
    {
        self::$daemon->respond('POST', '/v1/server/test', 500, array('error' => array('code' => 'internal')));
        $result = puqSynology_TestConnection(self::serverParams());
        $this->assertStringContainsString('internal', $result['error']);
        $this->assertStringContainsString('HTTP 500', $result['error']);
    }

    public function testSlowDaemonTimesOutWithAClearMessage()
    {
        self::$daemon->respond('POST', '/v1/server/test', 200, array('model' => 'x'), 2500);
        $client = new DaemonClient(self::$daemon->url(), self::$daemon->secretFile(), 1, 1);
        try {
            $client->post('/v1/server/test', array());
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('daemon_timeout', $e->getErrorCode());
            $this->assertStringContainsString('did not answer POST /v1/server/test within 1 seconds', $e->getMessage());
        }
    }

    public function testABadDaemonUrl()
    {
        putenv('PUQ_DAEMON_URL=127.0.0.1:8733');
        $result = puqSynology_TestConnection(self::serverParams());
        $this->assertStringContainsString('is not an http:// or https:// URL: check daemon_url', $result['error']);
    }
}
