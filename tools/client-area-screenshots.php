<?php
/**
 * Renders the module's three screens with realistic data (30 days of history, 6 months) against a fake
 * daemon, wraps them as standalone WHMCS-like pages and takes a 1280x900 screenshot of each with headless
 * Chromium: client-home.png, client-statistics.png, admin-service.png.
 *
 * Usage: php tools/client-area-screenshots.php [output-dir]      (default: docs/img)
 *        PUQ_CHROMIUM=/path/to/chromium to use another browser binary.
 * The same pages are checked in the browser by tests/php/unit/BrowserTest.php (which also refreshes the
 * screenshots). Exit status: 0 done, 1 failure (message on stderr).
 */
$root = dirname(__DIR__);
require $root . '/tests/php/bootstrap.php';

$out = isset($argv[1]) ? rtrim($argv[1], '/') : $root . '/docs/img';
try {
    if (ScreenshotPages::chromium() === null) {
        throw new RuntimeException('Chromium is not installed (apt-get install chromium).');
    }
    if (!is_dir($out) && !mkdir($out, 0755, true)) {
        throw new RuntimeException('Cannot create ' . $out);
    }
    $work = sys_get_temp_dir() . '/puq-screens-' . getmypid();
    mkdir($work, 0700, true);
    $daemon = new FakeDaemon();
    $daemon->start();
    try {
        foreach (ScreenshotPages::build($daemon, $work, false) as $name => $html) {
            $png = ScreenshotPages::screenshot($html, $out . '/' . $name . '.png');
            list($w, $h) = ScreenshotPages::pngSize($png);
            echo $png . ' (' . $w . 'x' . $h . ")\n";
        }
    } finally {
        $daemon->stop();
        ScreenshotPages::removeTree($work);
    }
} catch (Throwable $e) {
    fwrite(STDERR, 'client-area-screenshots: ' . $e->getMessage() . "\n");
    exit(1);
}
