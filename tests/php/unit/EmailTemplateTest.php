<?php
/**
 * The shipped email template (email/disk-limit.tpl.txt, the single source the daemon embeds), the admin
 * button "Install email template" and the "Email template" loader.
 */
class EmailTemplateTest extends ModuleTestCase
{
    const FILE = PUQ_MODULE_DIR . '/email/disk-limit.tpl.txt';

    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    /** @return array [headers, body] of the template file: "Key: value" lines, a blank line, the HTML body. */
    private static function parse()
    {
        $text = str_replace("\r\n", "\n", file_get_contents(self::FILE));
        list($head, $body) = explode("\n\n", $text, 2);
        $headers = array();
        foreach (explode("\n", $head) as $line) {
            list($key, $value) = explode(':', $line, 2);
            $headers[$key] = trim($value);
        }
        return array($headers, $body);
    }

    public function testTheFileFormat()
    {
        list($headers, $body) = self::parse();
        $this->assertSame(array(
            'Name' => 'puqSynology Notification disk limit',
            'Type' => 'product',
            'Subject' => 'Disk space usage {$disk_used_percentage} % - {$username}',
        ), $headers);
        foreach (array('{$client_name}', '{$service_product_name}', '{$service_next_due_date}', '{$username}',
                     '{$disk_limit_bytes*$unit_coefficient} {$unit}', '{$disk_used_unit} {$unit} ({$disk_used_percentage} %)',
                     '{$disk_free_unit} {$unit} ({$disk_free_percentage} %)', '{$signature}') as $field) {
            $this->assertStringContainsString($field, $body);
        }
        $this->assertSame(mb_convert_encoding($body, 'UTF-8', 'UTF-8'), $body, 'UTF-8');
        $this->assertStringEndsWith("\n", $body);
    }

    /** What the client reads: the template rendered by Smarty with the daemon's customvars and WHMCS's fields. */
    public function testRenderedWithTheNotificationVariables()
    {
        if (!WhmcsPages::smartyAvailable()) {
            $this->fail('Smarty 3 is needed: apt-get install smarty3');
        }
        list($headers, $body) = self::parse();
        $dir = sys_get_temp_dir() . '/puq-email-' . getmypid();
        @mkdir($dir);
        file_put_contents($dir . '/subject.tpl', $headers['Subject']);
        file_put_contents($dir . '/body.tpl', $body);
        $vars = array(
            // WHMCS's own merge fields of a product email
            'client_name' => 'Ada Lovelace', 'service_product_name' => 'Synology 10 GB',
            'service_next_due_date' => '22/12/2026', 'signature' => "---<br />\nExample Hosting",
            // the daemon's customvars (docs/api.md, /v1/notifications/pending)
            'disk_used_percentage' => 90.23, 'username' => '7-42-1234', 'disk_limit_bytes' => 10737418240,
            'unit_coefficient' => 1 / 1073741824, 'unit' => 'GB', 'disk_used_unit' => 9.0235,
            'disk_free_unit' => 0.9765, 'disk_free_percentage' => 9.77,
        );
        try {
            require_once WhmcsPages::SMARTY;
            $level = error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
            $smarty = new Smarty();
            $smarty->setTemplateDir($dir);
            $smarty->setCompileDir($dir);
            foreach ($vars as $name => $value) {
                $smarty->assign($name, $value);
            }
            $subject = $smarty->fetch('subject.tpl');
            $html = $smarty->fetch('body.tpl');
            error_reporting($level);
        } finally {
            ScreenshotPages::removeTree($dir);
        }
        $this->assertSame('Disk space usage 90.23 % - 7-42-1234', $subject);
        $text = trim(preg_replace('/\s+/', ' ', strip_tags($html)));
        $this->assertStringContainsString('Dear Ada Lovelace,', $text);
        $this->assertStringContainsString('Product/Service: Synology 10 GB Due Date: 22/12/2026', $text);
        $this->assertStringContainsString('Username: 7-42-1234', $text);
        $this->assertStringContainsString('Disk limit: 10 GB Disk used: 9.0235 GB (90.23 %) Disk free: 0.9765 GB (9.77 %)', $text);
        $this->assertStringContainsString('Example Hosting', $text);
    }

    public function testInstallEmailTemplateButton()
    {
        self::$daemon->respond('POST', '/v1/email-templates/install', 200,
            array('name' => 'puqSynology Notification disk limit', 'created' => true));
        $this->assertSame('success', puqSynology_InstallEmailTemplate(self::serviceParams()));
        $requests = self::$daemon->requests();
        $this->assertCount(1, $requests);
        $this->assertSame('/v1/email-templates/install', $requests[0]['path']);
        $this->assertSame('{}', $requests[0]['body']);
        $this->assertTrue($requests[0]['signature_valid']);
        $processed = array_column(WhmcsHarness::moduleLogEntries('InstallEmailTemplate'), 'processed');
        $this->assertContains('Created the email template puqSynology Notification disk limit', $processed);

        self::$daemon->respond('POST', '/v1/email-templates/install', 200,
            array('name' => 'puqSynology Notification disk limit', 'created' => false));
        $this->assertSame('success', puqSynology_InstallEmailTemplate(self::serviceParams()), 'idempotent');

        self::$daemon->respond('POST', '/v1/email-templates/install', 503, array('error' => array('code' => 'database_unavailable',
            'message' => 'The WHMCS database is not reachable.')));
        $this->assertSame('The WHMCS database is not reachable.', puqSynology_InstallEmailTemplate(self::serviceParams()));
    }

    public function testLoaderEmailTemplatesListsTheDaemonsTemplates()
    {
        self::$daemon->respond('POST', '/v1/email-templates', 200, array('templates' => array(
            array('name' => 'puqSynology Notification disk limit'), array('name' => 'Hosting Account Welcome Email'))));
        $this->assertSame(array('None' => 'None', 'puqSynology Notification disk limit' => 'puqSynology Notification disk limit',
            'Hosting Account Welcome Email' => 'Hosting Account Welcome Email'),
            puqSynology_LoaderEmailTemplates(self::serverParams()));
        $this->assertSame('{}', self::$daemon->lastRequest()['body']);
    }
}
