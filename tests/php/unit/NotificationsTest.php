<?php
use WHMCS\Module\Server\PuqSynology\Notifier;

/**
 * The AfterCronJob hook (hooks.php -> lib/Notifier.php) against a fake daemon:
 * POST /v1/notifications/pending -> localAPI SendEmail for each -> POST /v1/notifications/ack.
 */
class NotificationsTest extends ModuleTestCase
{
    /** @var string */
    private $stateDir;

    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    protected function setUp(): void
    {
        parent::setUp();
        require_once PUQ_MODULE_DIR . '/lib/Notifier.php';
        $this->stateDir = sys_get_temp_dir() . '/puq-notify-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->stateDir);
    }

    protected function tearDown(): void
    {
        ScreenshotPages::removeTree($this->stateDir);
        // The hook itself (default state dir) may have left its "daemon error already reported" stamp.
        foreach ((array) glob(sys_get_temp_dir() . '/puqSynology-notifications-*.error') as $stamp) {
            @unlink($stamp);
        }
        parent::tearDown();
    }

    private static function notification($id, $serviceId, array $vars = array())
    {
        return array('id' => $id, 'service_id' => $serviceId, 'template' => 'puqSynology Notification disk limit',
            'attempts' => 0, 'customvars' => array_merge(array('disk_used_percentage' => 90.23, 'username' => '7-42-1234',
                'disk_limit_bytes' => 10737418240, 'unit_coefficient' => 1 / 1073741824, 'unit' => 'GB',
                'disk_used_unit' => 9.0235, 'disk_free_unit' => 0.9765, 'disk_free_percentage' => 9.77), $vars));
    }

    private function deliver(array $options = array())
    {
        return Notifier::deliver(array_merge(array('state_dir' => $this->stateDir, 'ack_pause_ms' => 0), $options));
    }

    /** @return array[] the decoded bodies of the requests to $path */
    private static function bodies($path)
    {
        $out = array();
        foreach (self::$daemon->requests() as $request) {
            if ($request['path'] === $path) {
                $out[] = $request['decoded'];
            }
        }
        return $out;
    }

    /** The AfterCronJob callable hooks.php registers. */
    private static function cronHook()
    {
        $hooks = WhmcsHarness::loadHooks();
        foreach ($hooks as $hook) {
            if ($hook['hook'] === 'AfterCronJob') {
                return $hook['callable'];
            }
        }
        return null;
    }

    public function testHooksFileRegistersTheCronHook()
    {
        $hooks = WhmcsHarness::loadHooks();
        $this->assertSame(array('AfterCronJob'), array_column($hooks, 'hook'));
        $this->assertIsCallable($hooks[0]['callable']);
        $this->assertSame(array(), self::$daemon->requests(), 'loading hooks.php calls nothing');
    }

    public function testPendingEmailsAreSentAndAcknowledged()
    {
        $one = self::notification(11, 42);
        $two = self::notification('12', 43, array('username' => '7-43-9999'));
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array($one, $two)));
        self::$daemon->respond('POST', '/v1/notifications/ack', 200, array('id' => 11, 'status' => 'sent'));

        $hook = self::cronHook();
        $this->assertNull($hook(array()));

        $this->assertSame(array('/v1/notifications/pending', '/v1/notifications/ack', '/v1/notifications/ack'),
            array_column(self::$daemon->requests(), 'path'), 'pending, then one ack per email, in order');
        foreach (self::$daemon->requests() as $request) {
            $this->assertTrue($request['signature_valid']);
        }
        $this->assertSame(array(array('limit' => 50)), self::bodies('/v1/notifications/pending'), 'bounded per run');
        $this->assertSame(array(array('id' => 11, 'result' => 'sent'), array('id' => '12', 'result' => 'sent')),
            self::bodies('/v1/notifications/ack'));

        $this->assertCount(2, WhmcsHarness::$sentEmails);
        $this->assertSame('puqSynology Notification disk limit', WhmcsHarness::$sentEmails[0]['messagename']);
        $this->assertSame(42, WhmcsHarness::$sentEmails[0]['id']);
        $this->assertSame($one['customvars'], WhmcsHarness::$sentEmails[0]['customvars']);
        $this->assertSame(43, WhmcsHarness::$sentEmails[1]['id']);
        $this->assertSame('7-43-9999', WhmcsHarness::$sentEmails[1]['customvars']['username']);
        // Exactly what SendEmail received: messagename, id and base64(serialize(customvars)).
        $this->assertSame(array('messagename' => 'puqSynology Notification disk limit', 'id' => 42,
            'customvars' => base64_encode(serialize($one['customvars']))), WhmcsHarness::$localApiCalls[0]['values']);
        $this->assertSame(array('puqSynology: disk usage emails: 2 sent, 0 failed (the daemon retries failed ones later).'),
            WhmcsHarness::$activityLog);
    }

    public function testAFailedSendIsAcknowledgedAsFailedAndNothingIsLost()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(
            self::notification(1, 42), self::notification(2, 43), self::notification(3, 44))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 200, array('id' => 1, 'status' => 'pending'));
        WhmcsHarness::failNextSends(1);

        $summary = $this->deliver();
        $this->assertSame(3, $summary['pending']);
        $this->assertSame(2, $summary['sent']);
        $this->assertSame(1, $summary['failed']);
        $this->assertSame('', $summary['error']);
        $this->assertSame(array(
            array('id' => 1, 'result' => 'failed', 'error' => 'Sending Failed'),
            array('id' => 2, 'result' => 'sent'),
            array('id' => 3, 'result' => 'sent'),
        ), self::bodies('/v1/notifications/ack'), 'every notification is acknowledged once, the failure with its reason');
        $this->assertSame(array(43, 44), array_column(WhmcsHarness::$sentEmails, 'id'));
        $this->assertStringContainsString('2 sent, 1 failed', WhmcsHarness::$activityLog[0]);
    }

    public function testSendEmailErrorsAndExceptionsAreFailures()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(
            self::notification(1, 42), self::notification(2, 43))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 200, array('status' => 'pending'));
        WhmcsHarness::$localApiHandler = function ($command, $values) {
            if ($values['id'] === 42) {
                return array('result' => 'error', 'message' => 'Email Template not found');
            }
            throw new RuntimeException('SMTP Error: Could not connect to SMTP host.');
        };
        $summary = $this->deliver();
        $this->assertSame(2, $summary['failed']);
        $acks = self::bodies('/v1/notifications/ack');
        $this->assertSame('Email Template not found', $acks[0]['error']);
        $this->assertSame('failed', $acks[1]['result']);
        $this->assertStringContainsString('SMTP Error', $acks[1]['error']);
    }

    public function testAnIncompleteNotificationIsAcknowledgedAsFailedWithoutSending()
    {
        $bad = self::notification(5, 0);
        $noTemplate = self::notification(6, 42);
        $noTemplate['template'] = '';
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array($bad, $noTemplate,
            array('service_id' => 42, 'template' => 'x'), 'garbage')));
        self::$daemon->respond('POST', '/v1/notifications/ack', 200, array('status' => 'failed'));
        $summary = $this->deliver();
        $this->assertSame(0, $summary['sent']);
        $this->assertSame(array(), WhmcsHarness::$sentEmails);
        $acks = self::bodies('/v1/notifications/ack');
        $this->assertSame(array(5, 6), array_column($acks, 'id'), 'notifications without an id cannot be acknowledged');
        $this->assertStringContainsString('without a service id', $acks[0]['error']);
    }

    public function testNothingPendingIsQuiet()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array()));
        $summary = $this->deliver();
        $this->assertSame(0, $summary['pending']);
        $this->assertSame(array(), WhmcsHarness::$moduleLog, 'no module log entry every five minutes');
        $this->assertSame(array(), WhmcsHarness::$activityLog);
    }

    public function testDaemonDownTheHookReturnsQuietly()
    {
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        $hook = self::cronHook();
        $start = microtime(true);
        $this->assertNull($hook(array()));
        $this->assertLessThan(10, microtime(true) - $start);
        $this->assertSame(array(), WhmcsHarness::$sentEmails);

        WhmcsHarness::reset();
        $summary = $this->deliver();
        $this->assertStringContainsString('not reachable', $summary['error']);
        $this->assertCount(1, WhmcsHarness::$activityLog);
        $this->assertStringContainsString('could not be delivered', WhmcsHarness::$activityLog[0]);
        $this->assertNotEmpty(WhmcsHarness::moduleLogEntries('Notifications'));

        WhmcsHarness::reset();
        $this->deliver();
        $this->assertSame(array(), WhmcsHarness::$activityLog, 'the same failure is logged at most once an hour');

        // Back to normal: the next failure is reported at once again.
        self::$daemon->useAsDaemon();
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array()));
        $this->assertSame('', $this->deliver()['error']);
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        $this->deliver();
        $this->assertCount(1, WhmcsHarness::$activityLog);
    }

    public function testOtherDaemonFailuresAreQuietToo()
    {
        foreach (array(array(404, array('error' => array('code' => 'not_found', 'message' => 'No route'))),
                     array(500, 'Internal Server Error'), array(200, array('notifications' => 'nope'))) as $case) {
            self::$daemon->respond('POST', '/v1/notifications/pending', $case[0], $case[1]);
            $summary = $this->deliver();
            $this->assertSame(0, $summary['sent']);
        }
        putenv('PUQ_SECRET_FILE=/nonexistent/secret');
        $this->assertStringContainsString('/nonexistent/secret', $this->deliver()['error']);
        $this->assertSame(array(), WhmcsHarness::$sentEmails);
    }

    public function testAFailingAcknowledgementIsRetriedThenTheRunStops()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(
            self::notification(1, 42), self::notification(2, 43))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 503, 'Service Unavailable');
        $summary = $this->deliver();
        $this->assertSame(1, $summary['sent']);
        $this->assertSame(1, $summary['unacknowledged']);
        $this->assertSame(1, $summary['deferred'], 'the second notification is left for a later run');
        $this->assertCount(3, self::bodies('/v1/notifications/ack'), 'three attempts');
        $this->assertCount(1, WhmcsHarness::$sentEmails, 'no more emails while the daemon cannot take acknowledgements');
        $this->assertStringContainsString('Could not acknowledge notification 1', $summary['error']);
    }

    public function testARefusedAcknowledgementIsNotRetried()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(
            self::notification(1, 42), self::notification(2, 43))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 409, array('error' => array('code' => 'lease_expired',
            'message' => 'The lease of notification 1 expired.')));
        $summary = $this->deliver();
        $this->assertSame(2, $summary['sent']);
        $this->assertCount(2, self::bodies('/v1/notifications/ack'), 'one attempt each');
    }

    public function testTheTimeBudgetBoundsARun()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(
            self::notification(1, 42), self::notification(2, 43), self::notification(3, 44))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 200, array('status' => 'sent'));
        $summary = $this->deliver(array('time_budget' => 0, 'limit' => 7));
        $this->assertSame(array(array('limit' => 7)), self::bodies('/v1/notifications/pending'));
        $this->assertSame(1, $summary['sent'], 'at least one per run');
        $this->assertSame(2, $summary['deferred']);
        $this->assertCount(1, self::bodies('/v1/notifications/ack'), 'the others stay leased and come back later');
        $this->assertStringContainsString('2 left for the next cron run', WhmcsHarness::$activityLog[0]);
    }

    public function testTheSecretNeverReachesTheLogs()
    {
        self::$daemon->respond('POST', '/v1/notifications/pending', 200, array('notifications' => array(self::notification(1, 42))));
        self::$daemon->respond('POST', '/v1/notifications/ack', 500, array('error' => array('code' => 'x',
            'message' => 'bad ' . self::$daemon->secret())));
        $this->deliver();
        $this->assertLogHasNone(array(self::$daemon->secret()));
        $this->assertStringNotContainsString(self::$daemon->secret(), implode("\n", WhmcsHarness::$activityLog));
    }
}
