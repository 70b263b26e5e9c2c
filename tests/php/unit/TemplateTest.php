<?php
/**
 * The client area templates rendered with the real Smarty 3 (Debian smarty3, as WHMCS uses Smarty 3.1).
 */
class TemplateTest extends ModuleTestCase
{
    const SMARTY = '/usr/share/php/smarty3/Smarty.class.php';

    /** @var string */
    private $compileDir;

    protected function setUp(): void
    {
        parent::setUp();
        if (!is_file(self::SMARTY)) {
            $this->fail('Smarty 3 is not installed at ' . self::SMARTY . ': apt-get install smarty3');
        }
        require_once self::SMARTY;
        $this->compileDir = sys_get_temp_dir() . '/puq-smarty-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->compileDir);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->compileDir . '/*') as $file) {
            unlink($file);
        }
        rmdir($this->compileDir);
        parent::tearDown();
    }

    /** Renders a module template the way WHMCS does: the module's templateVariables assigned to Smarty. */
    private function render($template, array $vars)
    {
        // Smarty 3.1 on PHP 8.2 can raise deprecation notices inside its own code; they are not ours.
        $level = error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
        try {
            $smarty = new Smarty();
            $smarty->setTemplateDir(PUQ_MODULE_DIR);
            $smarty->setCompileDir($this->compileDir);
            $smarty->setCacheDir($this->compileDir);
            $smarty->caching = 0;
            $smarty->error_reporting = E_ALL & ~E_NOTICE & ~E_WARNING & ~E_DEPRECATED;
            // WHMCS's own variables are there too; they must not clash with ours.
            $smarty->assign('serviceid', 42);
            $smarty->assign('username', 'whmcs-own-username');
            $smarty->assign('LANG', array('clientareaproductdetails' => 'Product details'));
            foreach ($vars as $name => $value) {
                $smarty->assign($name, $value);
            }
            return $smarty->fetch($template);
        } finally {
            error_reporting($level);
        }
    }

    public function testOverviewShowsTheWebInterfaceAndTheUsername()
    {
        $area = puqSynology_ClientArea(self::serviceParams(array('username' => '7-42-<i>1234</i>')));
        $html = $this->render($area['tabOverviewModuleOutputTemplate'], $area['templateVariables']);
        $this->assertStringContainsString('<a href="https://nas.example.test:5001" target="_blank"', $html);
        $this->assertStringContainsString('>https://nas.example.test:5001</a>', $html);
        $this->assertStringContainsString('7-42-&lt;i&gt;1234&lt;/i&gt;', $html, 'the username is escaped');
        $this->assertStringNotContainsString('<i>1234', $html);
        $this->assertStringContainsString('Web interface', $html);
        $this->assertStringContainsString('Username', $html);
        $this->assertStringContainsString('href="https://example.test/manual"', $html);
        $this->assertStringContainsString('User manual', $html);
        $this->assertStringNotContainsString('Svc-Passw0rd', $html, 'no password in the overview yet');
    }

    public function testOverviewWithoutManualLink()
    {
        $area = puqSynology_ClientArea(self::serviceParams(array('configoption7' => '')));
        $html = $this->render($area['tabOverviewModuleOutputTemplate'], $area['templateVariables']);
        $this->assertStringNotContainsString('User manual', $html);
    }

    public function testOverviewWithoutLanguageStringsFallsBackToEnglish()
    {
        $area = puqSynology_ClientArea(self::serviceParams());
        $vars = $area['templateVariables'];
        $vars['puqLang'] = array();
        $html = $this->render($area['tabOverviewModuleOutputTemplate'], $vars);
        $this->assertStringContainsString('Web interface', $html);
        $this->assertStringContainsString('Synology storage', $html);
    }

    public function testErrorTemplateEscapesTheMessage()
    {
        $area = puqSynology_ClientArea(array());
        $this->assertSame('templates/error.tpl', $area['tabOverviewReplacementTemplate']);
        $html = $this->render($area['tabOverviewReplacementTemplate'], $area['templateVariables']);
        $this->assertStringContainsString('No server is assigned', $html);
        $html = $this->render('templates/error.tpl', array('usefulErrorHelper' => '<script>x</script>'));
        $this->assertStringContainsString('&lt;script&gt;', $html);
        $this->assertStringNotContainsString('<script>', $html);
    }
}
