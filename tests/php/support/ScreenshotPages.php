<?php
/**
 * The three screens with realistic data (UsageFixtures: 30 days of history, 6 months), rendered through
 * the module against a fake daemon and wrapped as standalone WHMCS-like pages, plus a headless Chromium
 * runner. Used by tests/php/unit/BrowserTest.php and tools/client-area-screenshots.php.
 */
final class ScreenshotPages
{
    const PAGES = array('client-home', 'client-statistics', 'admin-service');
    const WINDOW = '1280,900';

    /** The Chromium binary, or null when none is installed. */
    public static function chromium()
    {
        $env = getenv('PUQ_CHROMIUM');
        foreach (array_filter(array($env, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome')) as $bin) {
            if (is_file($bin) && is_executable($bin)) {
                return $bin;
            }
        }
        return null;
    }

    /** The module's $params for the pages' service (as WHMCS passes them). */
    public static function params()
    {
        return array(
            'serviceid' => 42, 'userid' => 7, 'pid' => 3, 'serverid' => 5, 'domain' => '',
            'username' => '7-42-1234', 'password' => 'Kx9#mT4v!qP2wZ',
            'configoption1' => '10', 'configoption2' => 'GB', 'configoption7' => 'https://example.test/manual',
            'configoption8' => 'button',
            'serverip' => '192.0.2.10', 'serverhostname' => 'nas.example.test', 'serverusername' => 'whmcs-admin',
            'serverpassword' => 'Srv-Adm1n-Secret#pw', 'serveraccesshash' => '', 'serversecure' => true,
            'serverport' => '5001', 'serverhttpprefix' => 'https',
        );
    }

    /**
     * Renders the three pages into $dir (client-home.html, ...). With $check, the pages carry the check script.
     * @return string[] page name => HTML file
     */
    public static function build(FakeDaemon $daemon, $dir, $check)
    {
        $daemon->useAsDaemon();
        $daemon->respond('POST', '/v1/usage/service', 200, UsageFixtures::serviceAnswer());
        $daemon->respond('POST', '/v1/account/info', 200, array('username' => '7-42-1234', 'exists' => true,
            'expired' => 'normal', 'email' => 'ada@example.test', 'description' => 'Ada Lovelace',
            'groups' => array('10G', 'users'), 'group' => '10G', 'dsm_calls' => array()));
        $params = self::params();
        $suffix = $check ? '-check' : '';
        $files = array();

        $area = puqSynology_ClientArea($params);
        $html = WhmcsHarness::renderTemplate($area['tabOverviewModuleOutputTemplate'], $area['templateVariables']);
        $files['client-home'] = $dir . '/client-home' . $suffix . '.html';
        file_put_contents($files['client-home'], WhmcsHarness::clientPage($html, array('check' => $check)));

        $page = puqSynology_UsageStatistics($params);
        $html = WhmcsHarness::renderTemplate($page['templatefile'] . '.tpl', $page['vars']);
        $files['client-statistics'] = $dir . '/client-statistics' . $suffix . '.html';
        file_put_contents($files['client-statistics'], WhmcsHarness::clientPage($html, array('check' => $check,
            'title' => 'Used space statistics', 'active' => 'Used space statistics',
            'breadcrumb' => array('Portal Home', 'Client Area', 'My Products & Services', 'Product Details',
                'Used space statistics'))));

        $fields = puqSynology_AdminServicesTabFields($params);
        $files['admin-service'] = $dir . '/admin-service' . $suffix . '.html';
        file_put_contents($files['admin-service'], WhmcsHarness::adminServicePage($fields, array('check' => $check)));
        return $files;
    }

    /**
     * Runs headless Chromium on a local file with a fresh profile.
     * @param string[] $extra e.g. ['--screenshot=/x.png'] or ['--dump-dom', '--virtual-time-budget=3000']
     * @return array [exit code, stdout, stderr]
     */
    public static function run($htmlFile, array $extra, $timeout = 25)
    {
        $bin = self::chromium();
        if ($bin === null) {
            throw new RuntimeException('Chromium is not installed (apt-get install chromium, or scripts/install-deps.sh --with-browser).');
        }
        $profile = sys_get_temp_dir() . '/puq-chromium-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($profile, 0700, true);
        $args = array_merge(array('timeout', '-k', '5', (string) (int) $timeout, $bin, '--headless', '--no-sandbox',
            '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--hide-scrollbars', '--user-data-dir=' . $profile,
            '--window-size=' . self::WINDOW), $extra, array('file://' . $htmlFile));
        $cmd = implode(' ', array_map('escapeshellarg', $args));
        $process = proc_open($cmd, array(0 => array('file', '/dev/null', 'r'), 1 => array('pipe', 'w'), 2 => array('pipe', 'w')),
            $pipes, null, array_merge(getenv(), array('HOME' => $profile)));
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot start ' . $bin);
        }
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $code = proc_close($process);
        self::removeTree($profile);
        return array($code, (string) $out, (string) $err);
    }

    /** Screenshot of a page (1280x900) into $png. */
    public static function screenshot($htmlFile, $png)
    {
        @unlink($png);
        list($code, $out, $err) = self::run($htmlFile, array('--screenshot=' . $png));
        if (!is_file($png)) {
            throw new RuntimeException('Chromium wrote no screenshot ' . $png . ' (exit ' . $code . '): '
                . substr($err, -2000));
        }
        return $png;
    }

    /**
     * The page after its scripts ran (--dump-dom with a virtual time budget) and the data-puq-* attributes of
     * its <body>, decoded.
     * @return array [attributes (name => value), dom]
     */
    public static function check($htmlFile)
    {
        list($code, $dom, $err) = self::run($htmlFile, array('--dump-dom', '--virtual-time-budget=3000'));
        $attributes = array();
        if (preg_match('/<body\b([^>]*)>/', $dom, $m)) {
            preg_match_all('/\s(data-puq-[a-z-]+)="([^"]*)"/', $m[1], $pairs, PREG_SET_ORDER);
            foreach ($pairs as $pair) {
                $attributes[$pair[1]] = html_entity_decode($pair[2], ENT_QUOTES | ENT_HTML5, 'UTF-8');
            }
        }
        if (empty($attributes) && $dom === '') {
            throw new RuntimeException('Chromium dumped no DOM (exit ' . $code . '): ' . substr($err, -2000));
        }
        return array($attributes, $dom);
    }

    /** Width and height of a PNG file. */
    public static function pngSize($file)
    {
        $info = @getimagesize($file);
        return $info === false ? array(0, 0) : array((int) $info[0], (int) $info[1]);
    }

    public static function removeTree($dir)
    {
        if (!is_dir($dir) || is_link($dir)) {
            @unlink($dir);
            return;
        }
        foreach (scandir($dir) as $entry) {
            if ($entry !== '.' && $entry !== '..') {
                self::removeTree($dir . '/' . $entry);
            }
        }
        @rmdir($dir);
    }
}
