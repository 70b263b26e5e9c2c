<?php
use WHMCS\Module\Server\PuqSynology\Config;
use WHMCS\Module\Server\PuqSynology\DaemonException;

/** config.php beside the module, defaults, and the PUQ_DAEMON_URL / PUQ_SECRET_FILE overrides. */
class ConfigTest extends ModuleTestCase
{
    private $files = array();

    protected function setUp(): void
    {
        parent::setUp();
        putenv('PUQ_DAEMON_URL');
        putenv('PUQ_SECRET_FILE');
    }

    protected function tearDown(): void
    {
        foreach ($this->files as $file) {
            @unlink($file);
        }
        parent::tearDown();
    }

    private function configFile($php)
    {
        $base = tempnam(sys_get_temp_dir(), 'puq-config');
        $file = $base . '.php';
        file_put_contents($file, $php);
        $this->files[] = $base;
        $this->files[] = $file;
        return $file;
    }

    public function testDefaultsWithoutConfigFile()
    {
        $this->assertSame(array(
            'daemon_url' => 'http://127.0.0.1:8733',
            'secret_file' => '/etc/puq-synologyd/secret',
            'timeout' => 60,
            'connect_timeout' => 5,
            'usage_timeout' => 300,
        ), Config::load('/nonexistent/config.php'));
    }

    public function testTheExampleConfigHasTheDefaults()
    {
        $this->assertSame(Config::load('/nonexistent/config.php'), Config::load(PUQ_MODULE_DIR . '/config.example.php'));
    }

    public function testConfigFileValuesAreUsed()
    {
        $file = $this->configFile("<?php\nreturn array('daemon_url' => 'http://10.0.0.5:9000/', 'secret_file' => '/srv/secret',"
            . " 'timeout' => '30', 'connect_timeout' => 2, 'unknown' => 1);\n");
        $config = Config::load($file);
        $this->assertSame('http://10.0.0.5:9000', $config['daemon_url']);
        $this->assertSame('/srv/secret', $config['secret_file']);
        $this->assertSame(30, $config['timeout']);
        $this->assertSame(2, $config['connect_timeout']);
        $this->assertArrayNotHasKey('unknown', $config);
    }

    public function testEnvironmentWinsOverConfigFile()
    {
        $file = $this->configFile("<?php\nreturn array('daemon_url' => 'http://10.0.0.5:9000', 'secret_file' => '/srv/secret');\n");
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:1234');
        putenv('PUQ_SECRET_FILE=/tmp/test-secret');
        $config = Config::load($file);
        $this->assertSame('http://127.0.0.1:1234', $config['daemon_url']);
        $this->assertSame('/tmp/test-secret', $config['secret_file']);
    }

    public function testInvalidTimeoutsFallBackToDefaults()
    {
        $file = $this->configFile("<?php\nreturn array('timeout' => 0, 'connect_timeout' => 'abc', 'usage_timeout' => -5);\n");
        $config = Config::load($file);
        $this->assertSame(60, $config['timeout']);
        $this->assertSame(5, $config['connect_timeout']);
        $this->assertSame(300, $config['usage_timeout']);
    }

    public function testAConfigFileThatReturnsNoArrayIsAClearError()
    {
        $file = $this->configFile("<?php\n\$daemon_url = 'x';\n");
        try {
            Config::load($file);
            $this->fail('expected DaemonException');
        } catch (DaemonException $e) {
            $this->assertSame('module_config_invalid', $e->getErrorCode());
            $this->assertStringContainsString('config.php must return an array', $e->getMessage());
        }
    }

    public function testTheShippedModuleHasNoConfigPhpCommitted()
    {
        // config.php is the admin's file (ignored by git); the module must work without it.
        $this->assertFileExists(PUQ_MODULE_DIR . '/config.example.php');
        $this->assertStringContainsString('/php-shim/modules/servers/puqSynology/config.php',
            file_get_contents(PUQ_REPO_ROOT . '/.gitignore'));
    }
}
