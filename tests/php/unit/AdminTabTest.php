<?php
/**
 * The admin services tab's usage display (AdminServicesTabFields against a fake daemon answering
 * /v1/account/info and /v1/usage/service): bar, table, history chart, escaping, errors.
 */
class AdminTabTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    private function tab(array $usage, array $info = array())
    {
        self::$daemon->respond('POST', '/v1/account/info', 200, array_merge(array('username' => '7-42-1234', 'exists' => true,
            'expired' => 'normal', 'email' => 'ada@example.test', 'groups' => array('10G')), $info));
        self::$daemon->respond('POST', '/v1/usage/service', 200, $usage);
        return puqSynology_AdminServicesTabFields(self::serviceParams());
    }

    public function testUsageBarAndTable()
    {
        $tab = $this->tab(UsageFixtures::serviceAnswer());
        $usage = $tab['Disk usage'];
        $this->assertStringContainsString('data-puq-usage="limited"', $usage);
        $this->assertStringContainsString('<div data-segment="used" style="width:64.21%;', $usage);
        $this->assertStringContainsString('<div data-segment="free" style="width:35.79%;', $usage);
        $this->assertStringContainsString('>64.21%</div>', $usage);
        foreach (array('Disk limit', 'Disk used', 'Disk free', 'Disk used percentage', 'Disk free percentage') as $head) {
            $this->assertStringContainsString('font-weight:600">' . $head . '</th>', $usage);
        }
        preg_match_all('#<td style="[^"]*">([^<]*)</td>#', $usage, $cells);
        $this->assertSame(array('10 GB', '6.4213 GB', '3.5787 GB', '64.21 %', '35.79 %'), $cells[1]);
        $this->assertStringContainsString('Last updated: 2026-11-28 03:00:12', $usage);
        $this->assertStringNotContainsString('<script', implode('', $tab), 'no script in the admin tab');
    }

    public function testHistoryChart()
    {
        $answer = UsageFixtures::serviceAnswer();
        $history = $this->tab($answer)['Usage history'];
        $this->assertStringContainsString('data-puq-chart="bars" data-bars="' . count($answer['daily']) . '"', $history);
        $this->assertSame(count($answer['daily']), substr_count($history, '<rect '));
        $this->assertStringContainsString('viewBox="0 0 640 150" width="100%"', $history);
        $this->assertStringContainsString('<title>2026-11-28: 6.421 GB</title>', $history);
        $this->assertStringContainsString('>2026-10-30</text>', $history, 'first day');
        $this->assertStringContainsString('>2026-11-28</text>', $history, 'last day');
        $this->assertStringContainsString('Last 30 days (GB)', $history);
    }

    public function testEmptyHistory()
    {
        $tab = $this->tab(UsageFixtures::emptyAnswer());
        $this->assertStringContainsString('No usage history yet.', $tab['Usage history']);
        $this->assertStringNotContainsString('<svg', $tab['Usage history']);
        $this->assertStringContainsString('Last updated: not measured yet', $tab['Disk usage']);
        $this->assertStringNotContainsString('data-segment="used"', $tab['Disk usage'], 'nothing used: no red part');
        $this->assertStringContainsString('data-segment="free" style="width:100%', $tab['Disk usage']);
    }

    public function testUnlimited()
    {
        $usage = $this->tab(UsageFixtures::unlimitedAnswer())['Disk usage'];
        $this->assertStringContainsString('data-puq-usage="unlimited"', $usage);
        $this->assertStringNotContainsString('data-segment', $usage);
        preg_match_all('#<td style="[^"]*">([^<]*)</td>#', $usage, $cells);
        $this->assertSame(array('Unlimited', '6.4213 GB', '–', '–', '–'), $cells[1]);
    }

    public function testEverythingIsEscaped()
    {
        $tab = $this->tab(UsageFixtures::serviceAnswer(array('unit' => '<script>alert(1)</script>',
            'lastupdate' => '"><img src=x>', 'daily' => array(array('date' => '<b>d</b>', 'used_mb' => 5)))),
            array('username' => '<script>alert("x")</script>', 'email' => 'a@b"><i>', 'groups' => array('<g>')));
        $all = implode("\n", $tab);
        $this->assertStringNotContainsString('<script>', $all);
        $this->assertStringNotContainsString('<img', $all);
        $this->assertStringNotContainsString('<b>d', $all);
        $this->assertStringNotContainsString('<g>', $all);
        $this->assertStringNotContainsString('"><i>', $all);
        $this->assertSame('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', $tab['DSM user']);
        $this->assertStringContainsString('6.4213 &lt;script&gt;alert(1)&lt;/script&gt;', $tab['Disk usage']);
    }

    public function testUsageErrorIsShownInItsRowOnly()
    {
        self::$daemon->respond('POST', '/v1/account/info', 200, array('username' => 'u', 'exists' => true, 'expired' => 'normal'));
        self::$daemon->respond('POST', '/v1/usage/service', 422, array('error' => array('code' => 'setting_invalid',
            'message' => 'Disk size must be a number from 0 to 1000000, such as 10 or 1.5 (0 = unlimited); got "<x>"')));
        $tab = puqSynology_AdminServicesTabFields(self::serviceParams());
        $this->assertStringContainsString('OK', $tab['API connection']);
        $this->assertStringContainsString('Disk size must be a number', $tab['Disk usage'], 'the admin sees what to fix');
        $this->assertStringContainsString('got &quot;&lt;x&gt;&quot;', $tab['Disk usage']);
        $this->assertArrayNotHasKey('Usage history', $tab);
    }

    public function testAnOddAnswerNeverBreaksThePage()
    {
        foreach (array(
            array(),
            array('unlimited' => 'yes', 'unit' => array('GB'), 'daily' => 'x', 'monthly' => array(1, 2, null)),
            array('used_percent' => 'abc', 'disk_used_unit' => array(), 'unit_coefficient' => 0,
                'daily' => array(array('date' => 5, 'used_mb' => 'x'), array('date' => '2026-02-30', 'used_mb' => 7))),
        ) as $answer) {
            $tab = $this->tab($answer);
            $this->assertIsString($tab['Disk usage']);
            $this->assertIsString($tab['Usage history']);
        }
    }

    public function testNoServiceMakesNoCall()
    {
        $tab = puqSynology_AdminServicesTabFields(self::serviceParams(array('serviceid' => 0)));
        $this->assertSame(array('puqSynology'), array_keys($tab));
        $this->assertSame(array(), self::$daemon->requests());
    }
}
