<?php
/**
 * The client area, the statistics page, the admin usage tab, the email template and the AfterCronJob email
 * hook against the real daemon (docs/api.md, "Usage, history and notifications"), the DSM simulator and
 * the WHMCS database. Needs the stack of `make stack`.
 */
class ClientAreaUsageNotificationsTest extends IntegrationTestCase
{
    const TEMPLATE = 'puqSynology Notification disk limit';

    /** @var SimControl */
    private static $sim;
    private static $serverId;
    private static $productId;
    /** @var int the service made in setUpBeforeClass */
    private static $serviceId = 0;
    private static $username = '';
    private static $password = '';

    public static function setUpBeforeClass(): void
    {
        parent::setUpBeforeClass();
        self::$sim = new SimControl(WhmcsHarness::env('DSM_SIM_CONTROL_URL'));
        self::$sim->setGroups(array(array('name' => '10G', 'description' => '10 GB on homes')));
        $groupId = WhmcsHarness::seedServerGroup();
        $secure = \WHMCS\Module\Server\PuqSynology\Server::flag(WhmcsHarness::env('DSM_SECURE'));
        self::$serverId = WhmcsHarness::seedServer(array(
            'host' => WhmcsHarness::env('DSM_HOST'), 'ip' => WhmcsHarness::env('DSM_HOST'),
            'port' => WhmcsHarness::env('DSM_PORT'), 'secure' => $secure,
            'username' => WhmcsHarness::env('DSM_ADMIN_USER'), 'password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
            'accesshash' => ($secure && WhmcsHarness::env('DSM_SIM_CERT') === null) ? 'verify_tls=0' : '',
        ), $groupId);
        // 10 GB, notify at 90 %, the shipped template, password shown as plain text, a manual link.
        self::$productId = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G', 4 => '90',
            5 => self::TEMPLATE, 6 => '30', 7 => 'https://example.test/manual', 8 => 'plain'), $groupId);

        $clientId = WhmcsHarness::seedClient();
        $serviceId = WhmcsHarness::seedService($clientId, self::$productId, self::$serverId);
        $result = puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId));
        if ($result !== 'success') {
            self::fail('CreateAccount failed: ' . $result . "\n" . self::logDump());
        }
        WhmcsHarness::update('tblhosting', $serviceId, array('domainstatus' => 'Active')); // what WHMCS does on success
        self::$serviceId = $serviceId;
        $row = WhmcsHarness::row('tblhosting', $serviceId);
        self::$username = $row['username'];
        self::$password = WhmcsHarness::decrypt($row['password']);
    }

    /** The AfterCronJob callable of hooks.php. */
    private static function runCronHook()
    {
        foreach (WhmcsHarness::loadHooks() as $hook) {
            if ($hook['hook'] === 'AfterCronJob') {
                return call_user_func($hook['callable'], array());
            }
        }
        self::fail('hooks.php registers no AfterCronJob hook');
    }

    public function testInstallEmailTemplateIsIdempotentAndTheLoaderListsIt()
    {
        $params = WhmcsHarness::paramsForService(self::$serviceId);
        $this->assertSame('success', puqSynology_InstallEmailTemplate($params), self::logDump());
        $this->assertSame('success', puqSynology_InstallEmailTemplate($params), 'a second install changes nothing');
        $rows = WhmcsHarness::db()->query("SELECT type, subject, message FROM tblemailtemplates WHERE name = '"
            . self::TEMPLATE . "'")->fetchAll();
        $this->assertCount(1, $rows);
        $this->assertSame('product', $rows[0]['type']);
        $this->assertSame('Disk space usage {$disk_used_percentage} % - {$username}', $rows[0]['subject']);
        $file = file_get_contents(PUQ_MODULE_DIR . '/email/disk-limit.tpl.txt');
        $body = explode("\n\n", str_replace("\r\n", "\n", $file), 2)[1];
        $this->assertSame(trim($body), trim($rows[0]['message']), 'the body of email/disk-limit.tpl.txt');

        $loader = puqSynology_LoaderEmailTemplates(WhmcsHarness::paramsForServer(self::$serverId));
        $this->assertArrayHasKey('None', $loader);
        $this->assertArrayHasKey(self::TEMPLATE, $loader);
    }

    public function testUsageShowsEverywhereAndTheEmailGoesOutOnce()
    {
        // The template must exist for WHMCS; the daemon queues by name.
        $params = WhmcsHarness::paramsForService(self::$serviceId);
        $this->assertSame('success', puqSynology_InstallEmailTemplate($params));

        // 9400 MB of 10240 MB: 91.8 %, over "Notify at 90 %".
        self::$sim->setUsage(array(array('name' => self::$username, 'used_mb' => 9400)));
        $this->assertSame('success', puqSynology_SyncUsage($params), self::logDump());
        $row = WhmcsHarness::row('tblhosting', self::$serviceId);
        $this->assertSame(9400, (int) $row['diskusage']);
        $this->assertSame(10240, (int) $row['disklimit']);

        // Client area overview
        $area = puqSynology_ClientArea(WhmcsHarness::paramsForService(self::$serviceId));
        $this->assertSame('templates/overview.tpl', $area['tabOverviewModuleOutputTemplate'], self::logDump());
        $vars = $area['templateVariables'];
        $this->assertSame('plain', $vars['puqPasswordMode']);
        $this->assertSame(self::$password, $vars['puqPassword']);
        $this->assertSame('https://example.test/manual', $vars['puqInstructionUrl']);
        $this->assertFalse($vars['puqUsage']['unlimited']);
        $this->assertSame('GB', $vars['puqUsage']['unit']);
        $this->assertSame('10', $vars['puqUsage']['limit']);
        $this->assertSame('9.18', $vars['puqUsage']['used']);
        $this->assertSame('91.8', $vars['puqUsage']['used_percent']);
        $this->assertSame('8.2', $vars['puqUsage']['free_percent']);
        $this->assertNotSame('', $vars['puqUsage']['lastupdate']);
        $html = WhmcsHarness::renderTemplate($area['tabOverviewModuleOutputTemplate'], $vars);
        $this->assertStringContainsString(htmlspecialchars(self::$username), $html);
        $this->assertStringContainsString('<td class="puq-syn-used-percent">91.8%</td>', $html);
        $this->assertStringContainsString('data-used-percent="91.8"', $html);

        // Statistics page: today's measurement
        $page = puqSynology_UsageStatistics(WhmcsHarness::paramsForService(self::$serviceId));
        $this->assertSame('', $page['vars']['puqError'], self::logDump());
        $this->assertNotNull($page['vars']['puqDaily'], 'one day of history after the sync');
        $this->assertGreaterThanOrEqual(1, $page['vars']['puqDaily']['count']);
        $this->assertNotNull($page['vars']['puqMonthly']);
        $html = WhmcsHarness::renderTemplate($page['templatefile'] . '.tpl', $page['vars']);
        $this->assertStringContainsString('data-puq-chart="daily"', $html);

        // Admin tab
        $tab = puqSynology_AdminServicesTabFields(WhmcsHarness::paramsForService(self::$serviceId));
        $this->assertStringContainsString('OK', $tab['API connection'], self::logDump());
        $this->assertStringContainsString('91.8 %', $tab['Disk usage']);
        $this->assertStringContainsString('data-puq-chart="bars"', $tab['Usage history']);

        // The cron hook sends the low-space email once.
        WhmcsHarness::reset();
        $this->assertNull(self::runCronHook());
        $sent = array_values(array_filter(WhmcsHarness::$sentEmails, function ($e) {
            return $e['id'] === self::$serviceId;
        }));
        $this->assertCount(1, $sent, 'one email for the crossing. ' . self::logDump());
        $this->assertSame(self::TEMPLATE, $sent[0]['messagename']);
        $vars = $sent[0]['customvars'];
        $this->assertSame(self::$username, $vars['username']);
        $this->assertEquals(91.8, $vars['disk_used_percentage']);
        $this->assertSame('GB', $vars['unit']);
        $this->assertEqualsWithDelta(10.0, $vars['disk_limit_bytes'] * $vars['unit_coefficient'], 1e-9);
        $this->assertEquals(9.18, $vars['disk_used_unit']);
        // As WHMCS does, the email is in the client's email log, rendered for this service.
        $logged = WhmcsHarness::db()->query('SELECT e.subject FROM tblemails e JOIN tblhosting h ON h.userid = e.userid'
            . ' WHERE h.id = ' . (int) self::$serviceId)->fetchAll(PDO::FETCH_COLUMN);
        $this->assertSame(array('Disk space usage 91.8 % - ' . self::$username), $logged);
        $acks = WhmcsHarness::moduleLogEntries('Notifications: ack');
        $this->assertNotEmpty($acks);
        $this->assertStringContainsString('sent', $acks[0]['response']);

        // Another sync and cron run above the threshold: no second email.
        $this->assertSame('success', puqSynology_SyncUsage(WhmcsHarness::paramsForService(self::$serviceId)));
        WhmcsHarness::reset();
        self::runCronHook();
        $this->assertSame(array(), array_filter(WhmcsHarness::$sentEmails, function ($e) {
            return $e['id'] === self::$serviceId;
        }), 'not doubled');
    }

    public function testAFailedSendIsKeptForARetry()
    {
        $clientId = WhmcsHarness::seedClient();
        $serviceId = WhmcsHarness::seedService($clientId, self::$productId, self::$serverId);
        $this->assertSame('success', puqSynology_CreateAccount(WhmcsHarness::paramsForService($serviceId)), self::logDump());
        WhmcsHarness::update('tblhosting', $serviceId, array('domainstatus' => 'Active'));
        $username = WhmcsHarness::row('tblhosting', $serviceId)['username'];
        $params = WhmcsHarness::paramsForService($serviceId);
        $this->assertSame('success', puqSynology_InstallEmailTemplate($params));
        self::$sim->setUsage(array(array('name' => $username, 'used_mb' => 10000)));
        $this->assertSame('success', puqSynology_SyncUsage($params), self::logDump());

        WhmcsHarness::reset();
        WhmcsHarness::failNextSends(100);
        self::runCronHook();
        $this->assertSame(array(), WhmcsHarness::$sentEmails);
        $failed = array_filter(WhmcsHarness::moduleLogEntries('Notifications: ack'), function ($e) {
            return strpos($e['request'], 'failed') !== false;
        });
        $this->assertNotEmpty($failed, 'acknowledged as failed. ' . self::logDump());
        foreach ($failed as $entry) {
            $this->assertMatchesRegularExpression('/pending|failed/', $entry['response'], 'kept (retried later), never dropped');
        }
    }

    public function testTheCronHookWithTheDaemonDownIsQuiet()
    {
        $saved = getenv('PUQ_DAEMON_URL');
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        try {
            $this->assertNull(self::runCronHook());
            $this->assertSame(array(), WhmcsHarness::$sentEmails);
        } finally {
            putenv('PUQ_DAEMON_URL=' . $saved);
        }
    }
}
