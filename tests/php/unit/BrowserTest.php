<?php
/**
 * The three screens in headless Chromium (support/ScreenshotPages.php): realistic data rendered through the
 * module against a fake daemon, as standalone WHMCS-like pages.
 *  - With the check script (support/page-check.js, only in these test pages): the page's scripts run
 *    (--dump-dom, virtual time), every chart is present with a non-zero size and the expected number of
 *    bars, show/hide and copy work, and no JavaScript error was recorded.
 *  - Without it: a 1280x900 screenshot of each page into docs/img/ (client-home.png, client-statistics.png,
 *    admin-service.png; overwritten; PUQ_SCREENSHOT_DIR writes them elsewhere). The rendering is
 *    reproducible (fixed data), so an unchanged screen gives an unchanged file.
 * Without Chromium the test is skipped, unless PUQ_REQUIRE_CHROMIUM=1 (then it fails).
 */
class BrowserTest extends ModuleTestCase
{
    /** @var string */
    private static $work = '';
    /** @var string[] page => check page file */
    private static $checkPages = array();
    /** @var string[] page => screenshot page file */
    private static $shotPages = array();

    public static function setUpBeforeClass(): void
    {
        if (ScreenshotPages::chromium() === null || !WhmcsPages::smartyAvailable()) {
            return;
        }
        $daemon = self::startFakeDaemon();
        self::$work = sys_get_temp_dir() . '/puq-browser-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir(self::$work, 0700, true);
        self::$checkPages = ScreenshotPages::build($daemon, self::$work, true);
        self::$shotPages = ScreenshotPages::build($daemon, self::$work, false);
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$work !== '') {
            ScreenshotPages::removeTree(self::$work);
            self::$work = '';
        }
        parent::tearDownAfterClass();
    }

    protected function setUp(): void
    {
        parent::setUp();
        if (ScreenshotPages::chromium() === null) {
            $message = 'Chromium is not installed (apt-get install chromium, or scripts/install-deps.sh --with-browser).';
            if (getenv('PUQ_REQUIRE_CHROMIUM') === '1') {
                $this->fail($message);
            }
            $this->markTestSkipped($message);
        }
        $this->assertTrue(WhmcsPages::smartyAvailable(), 'Smarty 3 is needed: apt-get install smarty3');
    }

    /** @return array [body attributes, charts] of a check page */
    private function checked($page)
    {
        list($attributes, $dom) = ScreenshotPages::check(self::$checkPages[$page]);
        $this->assertSame('done', isset($attributes['data-puq-check']) ? $attributes['data-puq-check'] : null,
            "$page: the check script did not finish. DOM:\n" . substr($dom, 0, 3000));
        $this->assertSame('0', $attributes['data-puq-js-errors'], "$page: JavaScript errors: "
            . $attributes['data-puq-js-error-list']);
        $charts = json_decode($attributes['data-puq-charts'], true);
        $this->assertIsArray($charts);
        foreach ($charts as $chart) {
            $this->assertGreaterThan(50, $chart['width'], "$page: {$chart['kind']} chart has a width");
            $this->assertGreaterThan(50, $chart['height'], "$page: {$chart['kind']} chart has a height");
            $this->assertGreaterThan(0, $chart['shapes'], "$page: {$chart['kind']} chart draws something");
        }
        return array($attributes, $charts);
    }

    private static function kinds(array $charts)
    {
        $out = array();
        foreach ($charts as $chart) {
            $out[$chart['kind']] = $chart;
        }
        return $out;
    }

    public function testClientHomeInTheBrowser()
    {
        list($attributes, $charts) = $this->checked('client-home');
        $charts = self::kinds($charts);
        $this->assertSame(array('pie'), array_keys($charts));
        $this->assertSame(2, $charts['pie']['shapes'], 'the used and the free slice');
        $this->assertEqualsWithDelta($charts['pie']['width'], $charts['pie']['height'], 1, 'the pie is round');
        $this->assertSame('text,password', $attributes['data-puq-toggle'], 'show, then hide the password');
        $this->assertSame('2', $attributes['data-puq-copy-buttons'], 'copy buttons for username and password');
    }

    public function testStatisticsPageInTheBrowser()
    {
        list(, $charts) = $this->checked('client-statistics');
        $charts = self::kinds($charts);
        $answer = UsageFixtures::serviceAnswer();
        $this->assertSame(array('daily', 'monthly'), array_keys($charts));
        $this->assertSame(count($answer['daily']), $charts['daily']['bars']);
        $this->assertSame(count($answer['monthly']), $charts['monthly']['bars']);
        $this->assertGreaterThan(600, $charts['daily']['width'], 'the chart fills its container');
    }

    public function testAdminTabInTheBrowser()
    {
        list(, $charts) = $this->checked('admin-service');
        $charts = self::kinds($charts);
        $this->assertSame(array('bars'), array_keys($charts));
        $this->assertSame(count(UsageFixtures::serviceAnswer()['daily']), $charts['bars']['bars']);
    }

    public function testTheCheckNoticesJavaScriptErrors()
    {
        $file = self::$work . '/broken.html';
        file_put_contents($file, WhmcsHarness::clientPage('<p>x</p><script>null.boom();</script>', array('check' => true)));
        list($attributes) = ScreenshotPages::check($file);
        $this->assertSame('done', $attributes['data-puq-check']);
        $this->assertSame('1', $attributes['data-puq-js-errors']);
        $this->assertStringContainsString('null', $attributes['data-puq-js-error-list']);
    }

    public function testScreenshots()
    {
        $dir = getenv('PUQ_SCREENSHOT_DIR') ?: PUQ_REPO_ROOT . '/docs/img';
        if (!is_dir($dir)) {
            mkdir($dir, 0755, true);
        }
        foreach (self::$shotPages as $page => $html) {
            $png = ScreenshotPages::screenshot($html, $dir . '/' . $page . '.png');
            $this->assertSame(array(1280, 900), ScreenshotPages::pngSize($png), $png);
            $this->assertGreaterThan(20000, filesize($png), "$png is not a blank page");
        }
    }
}
