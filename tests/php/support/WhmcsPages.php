<?php
/**
 * Renders module templates with the real Smarty 3 (Debian smarty3, as WHMCS uses Smarty 3.1) and wraps
 * module output in complete standalone pages that look like a WHMCS client area or admin services tab, for
 * tests and for the screenshots in docs/img/. The pages load nothing from the network: the module's own
 * <style> and <script> blocks come with its output; the wrapper adds a little WHMCS-like chrome.
 *
 * With $options['check'] the page also carries support/page-check.js: it records JavaScript errors
 * (window error and unhandledrejection) and, after load, the size of every [data-puq-chart] element, then
 * exercises the show/hide and copy buttons, and writes the results as data-puq-* attributes on <body>
 * (read back from `chromium --dump-dom`).
 */
final class WhmcsPages
{
    const SMARTY = '/usr/share/php/smarty3/Smarty.class.php';

    /** @var string|null */
    private static $compileDir = null;

    public static function smartyAvailable()
    {
        return is_file(self::SMARTY);
    }

    private static function compileDir()
    {
        if (self::$compileDir === null) {
            $dir = sys_get_temp_dir() . '/puq-smarty-' . getmypid() . '-' . bin2hex(random_bytes(3));
            mkdir($dir, 0700, true);
            self::$compileDir = $dir;
            register_shutdown_function(function () use ($dir) {
                foreach ((array) glob($dir . '/*') as $file) {
                    @unlink($file);
                }
                @rmdir($dir);
            });
        }
        return self::$compileDir;
    }

    /**
     * Renders a module template (relative to the module folder) the way WHMCS does: WHMCS's own variables
     * first (a module variable must not depend on them, and must not be shadowed by them), then the module's.
     * The defaults include WHMCS's $password and $username, which a legacy templatefile page receives
     * with the module $params: tests check that the module's templates never print them.
     */
    public static function render($template, array $vars, array $whmcsVars = array())
    {
        $defaults = array(
            'serviceid' => 42,
            'username' => 'whmcs-own-username',
            'password' => 'WHMCS-OWN-PASSWORD-VARIABLE',
            'LANG' => array('clientareaproductdetails' => 'Product details'),
            'WEB_ROOT' => '',
        );
        return self::fetch($template, array_merge($defaults, $whmcsVars), $vars);
    }

    /** Renders Smarty source text (an email template's subject or body) with $vars, as WHMCS's mailer does. */
    public static function renderString($source, array $vars)
    {
        return self::fetch('eval:' . $source, array(), $vars);
    }

    /** $resource (a module template, or "eval:<source>") with $first assigned, then $vars over them. */
    private static function fetch($resource, array $first, array $vars)
    {
        if (!self::smartyAvailable()) {
            throw new RuntimeException('Smarty 3 is not installed at ' . self::SMARTY . ': apt-get install smarty3');
        }
        require_once self::SMARTY;
        // Smarty 3.1 on PHP 8.2 raises deprecation notices inside its own code; they are not ours.
        $level = error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
        try {
            $smarty = new Smarty();
            $smarty->setTemplateDir(PUQ_MODULE_DIR);
            $smarty->setCompileDir(self::compileDir());
            $smarty->setCacheDir(self::compileDir());
            $smarty->caching = 0;
            $smarty->error_reporting = E_ALL & ~E_NOTICE & ~E_WARNING & ~E_DEPRECATED;
            foreach (array_merge($first, $vars) as $name => $value) {
                $smarty->assign($name, $value);
            }
            return $smarty->fetch($resource);
        } finally {
            error_reporting($level);
        }
    }

    private static function e($text)
    {
        return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
    }

    /** The check script's two parts: [head (error recording, before any module script), body end]. */
    private static function checkScripts()
    {
        $js = file_get_contents(__DIR__ . '/page-check.js');
        $parts = explode('/* ---- after load ---- */', $js, 2);
        return array('<script>' . $parts[0] . '</script>', '<script>' . (isset($parts[1]) ? $parts[1] : '') . '</script>');
    }

    /**
     * A WHMCS-like client area page around $bodyHtml.
     * @param array $options title (page heading), breadcrumb (string[]), active (sidebar entry), product,
     *   check (bool)
     */
    public static function clientPage($bodyHtml, array $options = array())
    {
        $o = array_merge(array('title' => 'Product Details', 'breadcrumb' => array('Portal Home', 'Client Area',
            'My Products & Services', 'Product Details'), 'active' => 'Overview', 'product' => 'Synology 10 GB',
            'check' => false), $options);
        list($checkHead, $checkBody) = $o['check'] ? self::checkScripts() : array('', '');
        $crumbs = array();
        foreach ($o['breadcrumb'] as $i => $crumb) {
            $crumbs[] = $i === count($o['breadcrumb']) - 1 ? '<span>' . self::e($crumb) . '</span>'
                : '<a href="#">' . self::e($crumb) . '</a>';
        }
        $side = '';
        foreach (array('Overview', 'Used space statistics', 'Change Password', 'Upgrade/Downgrade', 'Request Cancellation') as $entry) {
            $side .= '<a href="#"' . ($entry === $o['active'] ? ' class="active"' : '') . '>' . self::e($entry) . '</a>';
        }
        return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            . '<meta name="viewport" content="width=device-width, initial-scale=1">'
            . '<title>' . self::e($o['title']) . ' - Client Area</title>' . $checkHead
            . '<style>' . self::clientCss() . '</style></head><body>'
            . '<header class="w-top"><div class="w-wrap"><span class="w-brand">Example Hosting</span>'
            . '<nav><a href="#">Home</a><a href="#" class="active">Services</a><a href="#">Domains</a>'
            . '<a href="#">Billing</a><a href="#">Support</a></nav><span class="w-user">Hello, Ada!</span></div></header>'
            . '<div class="w-crumbs"><div class="w-wrap">' . implode(' <i>/</i> ', $crumbs) . '</div></div>'
            . '<main class="w-wrap w-main"><aside class="w-side"><div class="w-panel"><div class="w-panel-h">'
            . self::e($o['product']) . '</div>' . $side . '</div></aside>'
            . '<section class="w-content">' . $bodyHtml . '</section></main>'
            . '<footer class="w-foot">Powered by WHMCompleteSolution</footer>' . $checkBody . '</body></html>';
    }

    /**
     * A WHMCS-admin-like client services page: the standard fields, the module command buttons, then one
     * row per AdminServicesTabFields entry (label => HTML, inserted as is, as WHMCS does).
     * @param array $options buttons (string[]), username, product, check (bool)
     */
    public static function adminServicePage(array $fields, array $options = array())
    {
        $o = array_merge(array('buttons' => array('Create', 'Suspend', 'Unsuspend', 'Terminate', 'Change Package',
            'Change Password', 'Sync usage now', 'Install email template'), 'username' => '7-42-1234',
            'product' => 'Synology 10 GB', 'check' => false), $options);
        list($checkHead, $checkBody) = $o['check'] ? self::checkScripts() : array('', '');
        $tabs = '';
        foreach (array('Summary', 'Profile', 'Users', 'Contacts', 'Products/Services', 'Domains', 'Billable Items',
                     'Invoices', 'Quotes', 'Transactions', 'Tickets', 'Emails', 'Notes (0)', 'Log') as $tab) {
            $tabs .= '<a href="#"' . ($tab === 'Products/Services' ? ' class="active"' : '') . '>' . self::e($tab) . '</a>';
        }
        $pairs = array(
            array('Order #', '118 - <a href="#">View Order</a>', 'Registration Date', '<span class="a-in">2026-04-22</span>'),
            array('Product/Service', '<span class="a-in a-sel">' . self::e($o['product']) . '</span>', 'Next Due Date',
                '<span class="a-in">2026-12-22</span>'),
            array('Server', '<span class="a-in a-sel">nas.example.test (1/200 Accounts)</span>', 'Billing Cycle',
                '<span class="a-in a-sel">Monthly</span>'),
            array('Username', '<span class="a-in">' . self::e($o['username']) . '</span>', 'Recurring Amount',
                '<span class="a-in">11.00</span>'),
            array('Password', '<span class="a-in">••••••••••••</span>', 'Payment Method', '<span class="a-in a-sel">Bank Transfer</span>'),
            array('Status', '<span class="a-in a-sel">Active</span>', 'Promotion Code', '<span class="a-in a-sel">None</span>'),
        );
        $rows = '';
        foreach ($pairs as $pair) {
            $rows .= '<tr><td class="a-l">' . self::e($pair[0]) . '</td><td class="a-v">' . $pair[1] . '</td><td class="a-l">'
                . self::e($pair[2]) . '</td><td class="a-v">' . $pair[3] . '</td></tr>';
        }
        $buttons = '';
        foreach ($o['buttons'] as $button) {
            $buttons .= '<button type="button" class="a-btn">' . self::e($button) . '</button>';
        }
        $rows .= '<tr><td class="a-l">Module Commands</td><td class="a-v" colspan="3">' . $buttons . '</td></tr>';
        foreach ($fields as $label => $html) {
            $rows .= '<tr><td class="a-l">' . self::e($label) . '</td><td class="a-v" colspan="3">' . $html . '</td></tr>';
        }
        return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Client Profile - WHMCS</title>'
            . $checkHead . '<style>' . self::adminCss() . '</style></head><body>'
            . '<header class="a-top"><span class="a-brand">WHMCS</span><span>Clients</span><span>Orders</span>'
            . '<span>Billing</span><span>Support</span><span>Reports</span><span>Utilities</span><span>Addons</span>'
            . '<span>Setup</span></header>'
            . '<div class="a-page"><h1>Clients Profile <small>#7 Ada Lovelace</small></h1><div class="a-tabs">' . $tabs . '</div>'
            . '<div class="a-box"><div class="a-pick"><span class="a-in a-sel a-wide">' . self::e($o['product'])
            . '</span><button type="button" class="a-btn">Go</button></div><table class="a-grid">' . $rows . '</table>'
            . '</div></div>' . $checkBody . '</body></html>';
    }

    private static function clientCss()
    {
        return 'html,body{margin:0;padding:0}body{background:#f6f7f9;font-family:"Open Sans","Helvetica Neue",Arial,'
            . '"DejaVu Sans",sans-serif;font-size:14px;color:#333}a{color:#0f6bbd;text-decoration:none}'
            . '.w-wrap{max-width:1180px;margin:0 auto;padding:0 20px;box-sizing:border-box}'
            . '.w-top{background:#fff;border-bottom:1px solid #e3e6ea}.w-top .w-wrap{display:flex;align-items:center;height:54px;gap:26px}'
            . '.w-brand{font-size:20px;font-weight:700;color:#1d3f66}.w-top nav{display:flex;gap:20px;flex:1}'
            . '.w-top nav a{color:#555}.w-top nav a.active{color:#0f6bbd;font-weight:600}.w-user{color:#666}'
            . '.w-crumbs{background:#eef1f4;font-size:13px;color:#777}.w-crumbs .w-wrap{padding-top:8px;padding-bottom:8px}'
            . '.w-crumbs i{font-style:normal;color:#aaa;margin:0 4px}.w-main{display:flex;gap:24px;padding-top:20px}'
            . '.w-side{flex:0 0 230px}.w-panel{background:#fff;border:1px solid #e3e6ea;border-radius:6px;overflow:hidden}'
            . '.w-panel-h{padding:10px 14px;background:#f3f5f7;font-weight:600;border-bottom:1px solid #e3e6ea}'
            . '.w-panel a{display:block;padding:8px 14px;color:#444;border-bottom:1px solid #f0f0f0}'
            . '.w-panel a.active{background:#0f6bbd;color:#fff}.w-content{flex:1;min-width:0}'
            . '.w-foot{text-align:center;color:#888;font-size:12px;padding:6px 0 14px}';
    }

    private static function adminCss()
    {
        return 'html,body{margin:0}body{background:#f4f4f4;font-family:"Open Sans","Helvetica Neue",Arial,"DejaVu Sans",'
            . 'sans-serif;font-size:13px;color:#333}a{color:#1a4d80;text-decoration:none}'
            . '.a-top{display:flex;gap:22px;align-items:center;height:38px;padding:0 18px;background:#1a4d80;color:#dfe8f1}'
            . '.a-brand{font-weight:700;color:#fff;font-size:16px;margin-right:12px}'
            . '.a-page{padding:8px 16px}.a-page h1{margin:4px 0 8px;font-size:20px;font-weight:400}'
            . '.a-page h1 small{color:#888;font-size:14px}.a-tabs{display:flex;gap:3px}'
            . '.a-tabs a{padding:5px 10px;border:1px solid #ccc;border-bottom:0;border-radius:4px 4px 0 0;background:#e9e9e9;color:#444}'
            . '.a-tabs a.active{background:#fff;font-weight:600}.a-box{background:#fff;border:1px solid #ccc;padding:8px}'
            . '.a-pick{display:flex;gap:6px;margin-bottom:8px}.a-grid{width:100%;border-collapse:separate;border-spacing:2px}'
            . '.a-grid td{padding:4px 8px;vertical-align:middle}.a-l{width:14%;text-align:right;background:#efefef;color:#333;white-space:nowrap}'
            . '.a-v{background:#f8f8f8}.a-in{display:inline-block;min-width:150px;padding:3px 8px;border:1px solid #ccc;'
            . 'border-radius:3px;background:#fff}.a-sel::after{content:" \25BE";float:right;color:#777}.a-wide{min-width:520px}'
            . '.a-btn{margin:0 4px 0 0;padding:4px 10px;border:1px solid #ccc;border-radius:3px;background:#fff;color:#333;'
            . 'font:inherit;cursor:pointer}';
    }
}
