<?php
/**
 * The client area templates rendered with the real Smarty 3 (Debian smarty3, as WHMCS uses Smarty 3.1),
 * through WhmcsHarness::renderTemplate(), from what ClientArea / UsageStatistics return against a fake
 * daemon answering POST /v1/usage/service.
 */
use WHMCS\Module\Server\PuqSynology\Module;
use WHMCS\Module\Server\PuqSynology\Usage;

class TemplateTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    protected function setUp(): void
    {
        parent::setUp();
        if (!WhmcsPages::smartyAvailable()) {
            $this->fail('Smarty 3 is not installed at ' . WhmcsPages::SMARTY . ': apt-get install smarty3');
        }
    }

    /** ClientArea against the fake daemon answering $answer, rendered. */
    private function overview(array $answer, array $params = array(), array &$area = null)
    {
        self::$daemon->respond('POST', '/v1/usage/service', 200, $answer);
        $area = puqSynology_ClientArea(self::serviceParams($params));
        $this->assertSame('templates/overview.tpl', $area['tabOverviewModuleOutputTemplate']);
        return WhmcsHarness::renderTemplate($area['tabOverviewModuleOutputTemplate'], $area['templateVariables']);
    }

    /** UsageStatistics against the fake daemon answering $answer, rendered (vars as WHMCS assigns them). */
    private function statistics(array $answer, array &$page = null)
    {
        self::$daemon->respond('POST', '/v1/usage/service', 200, $answer);
        $page = puqSynology_UsageStatistics(self::serviceParams());
        return WhmcsHarness::renderTemplate($page['templatefile'] . '.tpl', $page['vars']);
    }

    /** The markup between <script> tags removed (to look at what the page shows). */
    private static function withoutScripts($html)
    {
        return preg_replace('#<(script|style)\b.*?</\1>#s', '', $html);
    }

    public function testOverviewShowsTheWebInterfaceUsernameAndManual()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(), array('username' => '7-42-<i>1234</i>'));
        $this->assertStringContainsString('<a href="https://nas.example.test:5001" target="_blank"', $html);
        $this->assertStringContainsString('>https://nas.example.test:5001</a>', $html);
        $this->assertStringContainsString('7-42-&lt;i&gt;1234&lt;/i&gt;', $html, 'the username is escaped');
        $this->assertStringNotContainsString('<i>1234', $html);
        $this->assertStringContainsString('Web interface address', $html);
        $this->assertStringContainsString('href="https://example.test/manual"', $html);
        $this->assertStringContainsString('User manual', $html);
        $this->assertStringContainsString('data-puq-copy="puq-syn-username-42"', $html, 'a copy button for the username');
        $this->assertStringContainsString('href="clientarea.php?action=productdetails&amp;id=42&amp;modop=custom&amp;a=UsageStatistics"',
            $html, 'a link to the statistics page');
        $this->assertStringNotContainsString('whmcs-own-username', $html, 'WHMCS\'s own $username is not used');
    }

    public function testOverviewWithoutManualLink()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('instruction_link' => '')));
        $this->assertStringNotContainsString('User manual', $html);
    }

    public function testNoInlineEventHandlersAndNoExternalResources()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer()) . $this->statistics(UsageFixtures::serviceAnswer());
        $this->assertDoesNotMatchRegularExpression('/\son[a-z]+\s*=/i', $html, 'no onclick= and the like (CSP)');
        $this->assertDoesNotMatchRegularExpression('/<(script|link|img|iframe)\b[^>]*\s(src|href)=/i', $html,
            'no external script, stylesheet or image');
        $this->assertStringNotContainsString('javascript:', $html);
        $this->assertSame(1, substr_count($html, '<script>'), 'one script block, in the overview');
    }

    public function testPasswordModeButton()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => 'button')), array(), $area);
        $this->assertSame('button', $area['templateVariables']['puqPasswordMode']);
        $this->assertMatchesRegularExpression('#<input type="password" class="puq-syn-input puq-syn-mono" id="puq-syn-password-42"'
            . ' value="Svc-Passw0rd!xyz" readonly#', $html, 'masked in a password field');
        $this->assertStringContainsString('data-puq-toggle="puq-syn-password-42"', $html, 'a show/hide button');
        $this->assertStringContainsString('data-puq-copy="puq-syn-password-42"', $html, 'a copy button');
        $this->assertStringContainsString('data-puq-password-mode="button"', $html);
    }

    public function testPasswordModePlain()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => 'plain')),
            array('password' => 'Pl<a>in&pw'));
        $this->assertStringContainsString('<span class="puq-syn-mono puq-syn-password" id="puq-syn-password-42">Pl&lt;a&gt;in&amp;pw</span>',
            $html, 'shown as text, escaped');
        $this->assertStringNotContainsString('data-puq-toggle=', $html, 'no show/hide button');
        $this->assertStringContainsString('data-puq-copy="puq-syn-password-42"', $html);
        $this->assertStringNotContainsString('Pl<a>in', $html);
    }

    public function testPasswordModeHiddenRendersNoPasswordAtAll()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => 'hidden')), array(), $area);
        $this->assertSame('', $area['templateVariables']['puqPassword'], 'not even passed to the template');
        $this->assertStringNotContainsString('Svc-Passw0rd', $html);
        $this->assertStringNotContainsString('WHMCS-OWN-PASSWORD-VARIABLE', $html);
        $this->assertStringNotContainsString('puq-syn-password-42', $html);
        $this->assertStringNotContainsString('type="password"', $html);
        $this->assertStringNotContainsString('Password:', self::withoutScripts($html));
    }

    public function testUnknownPasswordModeIsHidden()
    {
        foreach (array('Show button', 'show', '', null, 1) as $mode) {
            $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => $mode)));
            $this->assertStringNotContainsString('Svc-Passw0rd', $html, var_export($mode, true));
        }
        $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => 'PLAIN')));
        $this->assertStringContainsString('Svc-Passw0rd!xyz', $html, 'the mode is read case-insensitively');
    }

    public function testAServiceWithoutPasswordShowsNoPasswordRow()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('show_password' => 'button')), array('password' => ''));
        $this->assertStringNotContainsString('puq-syn-password-42', $html);
    }

    public function testUsageFiguresAndPie()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer());
        $this->assertStringContainsString('Used space (GB)', $html);
        $this->assertStringContainsString('<td class="puq-syn-limit">10 GB</td>', $html);
        $this->assertStringContainsString('<td class="puq-syn-used-value">6.4213 GB</td>', $html);
        $this->assertStringContainsString('<td class="puq-syn-free-value">3.5787 GB</td>', $html);
        $this->assertStringContainsString('<td class="puq-syn-used-percent">64.21%</td>', $html);
        $this->assertStringContainsString('<td class="puq-syn-free-percent">35.79%</td>', $html);
        $this->assertStringContainsString('Last updated: 2026-11-28 03:00:12', $html);
        $this->assertStringContainsString('data-puq-chart="pie"', $html);
        $this->assertStringContainsString('viewBox="0 0 200 200" width="100%"', $html, 'scales with its container');
        $this->assertStringContainsString('<title>Used: 6.4213 GB (64.21 %)</title>', $html, 'tooltips');
        $this->assertStringNotContainsString('Unlimited', self::withoutScripts($html));
    }

    /** The arc of the used slice ends where the daemon's percentage says. */
    public function providerPercentages()
    {
        return array(array(0.5), array(12.5), array(49.99), array(50.0), array(55.7), array(64.21), array(90.23), array(99.5));
    }

    /**
     * @dataProvider providerPercentages
     */
    public function testPieArcsMatchThePercentages($used)
    {
        $html = $this->overview(UsageFixtures::serviceAnswer(array('used_percent' => $used, 'free_percent' => 100 - $used)));
        $this->assertMatchesRegularExpression('/data-used-percent="' . preg_quote(Usage::number($used, 2), '/') . '"/', $html);
        $this->assertSame(1, preg_match('#<path class="puq-syn-slice-used" d="M100 100 L100 4 A96 96 0 ([01]) 1 ([0-9.]+) ([0-9.]+) Z"#',
            $html, $m), 'the used slice starts at 12 o\'clock');
        $angle = atan2((float) $m[2] - 100, 100 - (float) $m[3]);
        if ($angle < 0) {
            $angle += 2 * M_PI;
        }
        $this->assertEqualsWithDelta($used, $angle / (2 * M_PI) * 100, 0.02, 'the arc ends at the used percentage');
        $this->assertSame($used > 50 ? '1' : '0', $m[1], 'large-arc flag');
        $this->assertSame(1, preg_match('#<path class="puq-syn-slice-free" d="M100 100 L' . preg_quote($m[2] . ' ' . $m[3], '#')
            . ' A96 96 0 ([01]) 1 100 4 Z"#', $html, $f), 'the free slice is the rest of the circle');
        $this->assertSame($used > 50 ? '0' : '1', $f[1]);
    }

    public function testPieAtTheEdges()
    {
        $html = $this->overview(UsageFixtures::emptyAnswer());
        $this->assertStringContainsString('<circle class="puq-syn-slice-free"', $html, '0 %: a whole free circle');
        $this->assertStringNotContainsString('puq-syn-slice-used', $html);
        $this->assertStringContainsString('Last updated: not measured yet', $html);

        $html = $this->overview(UsageFixtures::serviceAnswer(array('used_percent' => 112.5, 'free_percent' => 0,
            'disk_free_unit' => 0)));
        $this->assertStringContainsString('<circle class="puq-syn-slice-used"', $html, 'over 100 %: a whole used circle');
        $this->assertStringContainsString('<td class="puq-syn-used-percent">112.5%</td>', $html, 'the figure as the daemon gives it');
    }

    public function testUnlimitedShowsUnlimitedWithoutFreeOrPercentages()
    {
        $html = $this->overview(UsageFixtures::unlimitedAnswer(), array(), $area);
        $this->assertNull($area['templateVariables']['puqPie']);
        $this->assertStringContainsString('<td class="puq-syn-limit">Unlimited</td>', $html);
        $this->assertStringContainsString('<td class="puq-syn-used-value">6.4213 GB</td>', $html);
        $this->assertStringNotContainsString('puq-syn-free-value', $html);
        $this->assertStringNotContainsString('puq-syn-used-percent', $html);
        $this->assertStringNotContainsString('puq-syn-free-percent', $html);
        $this->assertStringNotContainsString('data-puq-chart="pie"', $html);
        $this->assertStringContainsString('data-puq-unlimited="1"', $html);
    }

    public function testOverviewWhenTheDaemonFailsShowsANoticeAndHidesThePassword()
    {
        self::$daemon->respond('POST', '/v1/usage/service', 500, array('error' => array('code' => 'database_unavailable',
            'message' => 'MariaDB at 10.0.0.5 refused the connection')));
        $area = puqSynology_ClientArea(self::serviceParams());
        $html = WhmcsHarness::renderTemplate($area['tabOverviewModuleOutputTemplate'], $area['templateVariables']);
        $this->assertStringContainsString('The disk usage cannot be shown right now.', $html);
        $this->assertStringContainsString('7-42-1234', $html, 'the username still shows');
        $this->assertStringNotContainsString('10.0.0.5', $html, 'no daemon details for the client');
        $this->assertStringNotContainsString('Svc-Passw0rd', $html);
        $this->assertStringContainsString('MariaDB at 10.0.0.5', WhmcsHarness::moduleLogText(), 'the admin finds it in the log');
    }

    public function testOverviewWithoutLanguageStringsFallsBackToEnglish()
    {
        self::$daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer());
        $area = puqSynology_ClientArea(self::serviceParams());
        $vars = $area['templateVariables'];
        $vars['puqLang'] = array();
        $html = WhmcsHarness::renderTemplate($area['tabOverviewModuleOutputTemplate'], $vars);
        foreach (array('Web interface address', 'Username', 'Password', 'Disk limit', 'Disk free percentage',
                     'Used space statistics', 'User manual', 'data-puq-copied="Copied"') as $text) {
            $this->assertStringContainsString($text, $html);
        }
    }

    public function testEveryStringOfTheTemplatesIsInTheLanguageFile()
    {
        $lang = Module::lang();
        foreach (glob(PUQ_MODULE_DIR . '/templates/*.tpl') as $file) {
            preg_match_all('/\$puqLang\.([A-Za-z0-9_]+)\|default:\'([^\']*)\'/', file_get_contents($file), $m, PREG_SET_ORDER);
            foreach ($m as $use) {
                $this->assertArrayHasKey($use[1], $lang, basename($file));
                $this->assertSame($lang[$use[1]], $use[2], $use[1] . ': the fallback is the English string');
            }
        }
    }

    public function testStatisticsPage()
    {
        $html = $this->statistics(UsageFixtures::serviceAnswer(), $page);
        $this->assertSame('templates/statistics', $page['templatefile']);
        $this->assertFileExists(PUQ_MODULE_DIR . '/' . $page['templatefile'] . '.tpl');
        $this->assertSame(array('clientarea.php?action=productdetails&id=42&modop=custom&a=UsageStatistics'
            => 'Used space statistics'), $page['breadcrumb']);
        $this->assertStringContainsString('Used space statistics</h2>', $html);
        $this->assertStringContainsString('Last 30 days (GB)', $html);
        $this->assertStringContainsString('Average per month (GB)', $html);
        $this->assertStringContainsString('href="clientarea.php?action=productdetails&amp;id=42"', $html, 'back to the service');
        $this->assertStringNotContainsString('WHMCS-OWN-PASSWORD-VARIABLE', $html);
        $this->assertStringNotContainsString('No usage history yet', $html);
    }

    public function testStatisticsBarChartHasOneBarPerDayGiven()
    {
        $answer = UsageFixtures::serviceAnswer();
        $html = $this->statistics($answer);
        $this->assertSame(1, preg_match('#<svg class="puq-syn-chart" data-puq-chart="daily" data-bars="(\d+)" viewBox="0 0 800 270" width="100%"#',
            $html, $m), 'scales with its container');
        $daily = self::chart($html, 'daily');
        $this->assertSame(count($answer['daily']), (int) $m[1]);
        $this->assertSame(count($answer['daily']), substr_count($daily, '<rect '), 'one bar per day given');
        // Each bar's tooltip names its day and value in the product's unit.
        $first = $answer['daily'][0];
        $this->assertStringContainsString('<title>' . $first['date'] . ': ' . Usage::number($first['used_mb'] / 1024, 3)
            . ' GB</title>', $daily);
        $this->assertStringContainsString('<title>2026-11-28: 6.421 GB</title>', $daily);
        // Axes: the y axis labels in GB, rising from 0; the x labels are dates.
        preg_match_all('#text-anchor="end" font-size="12" fill="\#555">([0-9.]+)</text>#', $daily, $ticks);
        $this->assertSame(array('0', '2', '4', '6', '8'), $ticks[1]);
        $this->assertStringContainsString('>2026-11-28</text>', $daily);

        $monthly = self::chart($html, 'monthly');
        $this->assertSame(6, substr_count($monthly, '<rect '));
        $this->assertStringContainsString('<title>2026-11: 5.31 GB</title>', $monthly);
        $this->assertStringContainsString('>2026-06</text>', $monthly);
    }

    public function testStatisticsBarsAreProportionalToTheValues()
    {
        $html = $this->statistics(UsageFixtures::serviceAnswer(array(
            'daily' => array(array('date' => '2026-11-01', 'used_mb' => 1024), array('date' => '2026-11-02', 'used_mb' => 4096)),
            'monthly' => array(array('month' => '2026-11', 'avg_used_mb' => 2560)),
        )));
        preg_match_all('#<rect class="puq-syn-bar" x="[0-9.]+" y="([0-9.]+)" width="[0-9.]+" height="([0-9.]+)"#',
            self::chart($html, 'daily'), $bars);
        $this->assertCount(2, $bars[2]);
        $this->assertEqualsWithDelta(4.0, (float) $bars[2][1] / (float) $bars[2][0], 0.01, '4 GB is four times 1 GB');
        $this->assertEqualsWithDelta((float) $bars[1][0] + (float) $bars[2][0], (float) $bars[1][1] + (float) $bars[2][1], 0.02,
            'the bars stand on the same baseline');
    }

    public function testStatisticsEmptyStateMessage()
    {
        $html = $this->statistics(UsageFixtures::emptyAnswer());
        $this->assertSame(2, substr_count($html, 'No usage history yet. It appears after the first daily usage update.'));
        $this->assertStringContainsString('data-puq-empty="daily"', $html);
        $this->assertStringContainsString('data-puq-empty="monthly"', $html);
        $this->assertStringNotContainsString('<svg', $html);
    }

    public function testStatisticsWhenTheDaemonFails()
    {
        self::$daemon->respond('POST', '/v1/usage/service', 502, array('error' => array('code' => 'x', 'message' => 'secret details')));
        $page = puqSynology_UsageStatistics(self::serviceParams());
        $html = WhmcsHarness::renderTemplate($page['templatefile'] . '.tpl', $page['vars']);
        $this->assertStringContainsString('The storage details cannot be shown right now.', $html);
        $this->assertStringNotContainsString('secret details', $html);
        $this->assertStringNotContainsString('<svg', $html);
    }

    public function testStatisticsLabelsAreEscaped()
    {
        $html = $this->statistics(UsageFixtures::serviceAnswer(array('unit' => '<b>GB</b>',
            'monthly' => array(array('month' => '<script>x</script>', 'avg_used_mb' => 100)))));
        $this->assertStringNotContainsString('<script>x', $html);
        $this->assertStringNotContainsString('<b>GB', $html);
        $this->assertStringContainsString('&lt;script&gt;x&lt;/script&gt;', $html);
    }

    public function testErrorTemplateEscapesTheMessage()
    {
        $area = puqSynology_ClientArea(array());
        $this->assertSame('templates/error.tpl', $area['tabOverviewReplacementTemplate']);
        $html = WhmcsHarness::renderTemplate($area['tabOverviewReplacementTemplate'], $area['templateVariables']);
        $this->assertStringContainsString('No server is assigned', $html);
        $html = WhmcsHarness::renderTemplate('templates/error.tpl', array('usefulErrorHelper' => '<script>x</script>'));
        $this->assertStringContainsString('&lt;script&gt;', $html);
        $this->assertStringNotContainsString('<script>', $html);
    }

    public function testStandalonePageWrapsTheOutput()
    {
        $html = $this->overview(UsageFixtures::serviceAnswer());
        $page = WhmcsHarness::clientPage($html, array('check' => true));
        $this->assertStringStartsWith('<!DOCTYPE html>', $page);
        $this->assertStringContainsString($html, $page);
        $this->assertStringContainsString('data-puq-check', $page, 'the check script is in the test page');
        $this->assertStringNotContainsString('data-puq-check', WhmcsHarness::clientPage($html), 'and only there');
    }

    /** The markup of one chart (by its data-puq-chart kind). */
    private static function chart($html, $kind)
    {
        if (!preg_match('#<svg class="puq-syn-chart" data-puq-chart="' . $kind . '".*?</svg>#s', $html, $m)) {
            return '';
        }
        return $m[0];
    }
}
