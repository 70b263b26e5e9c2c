<?php
use WHMCS\Module\Server\PuqSynology\Charts;
use WHMCS\Module\Server\PuqSynology\Usage;

/**
 * lib/Usage.php (display values of the daemon's answer) and lib/Charts.php (chart geometry), without a
 * daemon.
 */
class UsageViewTest extends ModuleTestCase
{
    public function testNumberFormatting()
    {
        $this->assertSame('9.0235', Usage::number(9.0235));
        $this->assertSame('10', Usage::number(10));
        $this->assertSame('10', Usage::number(10.0));
        $this->assertSame('0.1', Usage::number(0.1000));
        $this->assertSame('90.23', Usage::number(90.2349, 2));
        $this->assertSame('0', Usage::number(-0.00001));
        $this->assertSame('1.5', Usage::number('1.5'));
        $this->assertSame('n/a', Usage::number(' n/a '));
        $this->assertSame('', Usage::number(null));
        $this->assertSame('', Usage::number(true));
        $this->assertSame('', Usage::number(array(1)));
    }

    public function testNumberFormattingIgnoresTheLocale()
    {
        $old = setlocale(LC_NUMERIC, '0');
        $comma = setlocale(LC_NUMERIC, 'de_DE.UTF-8', 'de_DE', 'fr_FR.UTF-8', 'fr_FR');
        try {
            $this->assertSame('9.0235', Usage::number(9.0235));
            $this->assertSame('12.5', Charts::coord(12.5));
            $pie = Charts::pie(33.3);
            $this->assertStringNotContainsString(',', $pie['used_path'] . $pie['free_path'] . $pie['used_percent']);
            $this->assertSame('33.3', $pie['used_percent']);
        } finally {
            setlocale(LC_NUMERIC, $old);
        }
        if ($comma === false) {
            $this->addToAssertionCount(1); // no comma locale installed: the check above ran in "C"
        }
    }

    public function testSummary()
    {
        $summary = Usage::summary(UsageFixtures::serviceAnswer());
        $this->assertSame(array('unlimited' => false, 'unit' => 'GB', 'limit' => '10', 'used' => '6.4213', 'free' => '3.5787',
            'used_percent' => '64.21', 'free_percent' => '35.79', 'used_percent_value' => 64.21, 'free_percent_value' => 35.79,
            'lastupdate' => '2026-11-28 03:00:12'), $summary);

        $unlimited = Usage::summary(UsageFixtures::unlimitedAnswer());
        $this->assertTrue($unlimited['unlimited']);
        $this->assertSame('', $unlimited['limit']);
        $this->assertSame('', $unlimited['free']);
        $this->assertSame('', $unlimited['used_percent']);
        $this->assertNull($unlimited['used_percent_value']);

        $this->assertSame('', Usage::summary(array('lastupdate' => '0000-00-00 00:00:00'))['lastupdate']);
        $this->assertSame(100.0, Usage::summary(array('used_percent' => 140))['used_percent_value'], 'clamped for drawing');
        $this->assertSame('140', Usage::summary(array('used_percent' => 140))['used_percent'], 'shown as given');
    }

    public function testPasswordModeAndWebLink()
    {
        $this->assertSame('button', Usage::passwordMode('button'));
        $this->assertSame('plain', Usage::passwordMode(' Plain '));
        $this->assertSame('hidden', Usage::passwordMode('hidden'));
        $this->assertSame('hidden', Usage::passwordMode('Show button'));
        $this->assertSame('hidden', Usage::passwordMode(null));
        $this->assertSame('https://a.test/x?y=1', Usage::webLink(' https://a.test/x?y=1 '));
        foreach (array('javascript:alert(1)', 'data:text/html,x', 'https://a b', 'https://a"b', '//a.test', 'https://a`b', 5) as $bad) {
            $this->assertSame('', Usage::webLink($bad));
        }
    }

    public function testDailyPointsConvertToTheUnitAndKeepGapsInTime()
    {
        $points = Usage::dailyPoints(array('unit' => 'GB', 'unit_coefficient' => 1024, 'daily' => array(
            array('date' => '2026-11-03', 'used_mb' => 3072),
            array('date' => '2026-11-01', 'used_mb' => 1024),
            array('date' => '2026-11-04', 'used_mb' => 0),
        )));
        $this->assertSame(array('2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'), array_column($points, 'label'),
            'sorted, and the missing day is an empty slot');
        $this->assertSame(array(1.0, null, 3.0, 0.0), array_column($points, 'value'));
        $this->assertSame('2026-11-01: 1 GB', $points[0]['title']);

        $mb = Usage::dailyPoints(array('unit' => 'MB', 'unit_coefficient' => 1, 'daily' => array(array('date' => '2026-11-01', 'used_mb' => 512))));
        $this->assertSame(512.0, $mb[0]['value']);
        $tb = Usage::dailyPoints(array('unit' => 'TB', 'unit_coefficient' => 1048576,
            'daily' => array(array('date' => '2026-11-01', 'used_mb' => 524288))));
        $this->assertSame('2026-11-01: 0.5 TB', $tb[0]['title']);
    }

    public function testDailyPointsWithOddDatesGetOneSlotEach()
    {
        $points = Usage::dailyPoints(array('daily' => array(array('date' => '2020-01-01', 'used_mb' => 1),
            array('date' => '2026-01-01', 'used_mb' => 2))));
        $this->assertCount(2, $points, 'a range far longer than the days measured is not spread out');
        $points = Usage::dailyPoints(array('daily' => array(array('date' => '2026-02-27', 'used_mb' => 1),
            array('date' => '2026-02-30', 'used_mb' => 2), array('date' => 'yesterday', 'used_mb' => 3))));
        $this->assertSame(array('2026-02-27', '2026-02-30', 'yesterday'), array_column($points, 'label'), 'none is lost');
    }

    public function testMonthlyPoints()
    {
        $points = Usage::monthlyPoints(array('unit' => 'GB', 'unit_coefficient' => 1024, 'monthly' => array(
            array('month' => '2026-11', 'avg_used_mb' => 2048), array('month' => '2026-10', 'avg_used_mb' => 1537))));
        $this->assertSame(array('2026-10', '2026-11'), array_column($points, 'label'));
        $this->assertSame('2026-10: 1.501 GB', $points[0]['title']);
    }

    public function testNiceSteps()
    {
        $this->assertSame(2.5, Charts::niceStep(9));
        $this->assertSame(2.0, (float) Charts::niceStep(6.4));
        $this->assertSame(0.25, Charts::niceStep(0));
        $this->assertEqualsWithDelta(0.05, Charts::niceStep(0.17), 1e-12);
        $this->assertEqualsWithDelta(500.0, Charts::niceStep(1800), 1e-9);
    }

    public function testBarsGeometry()
    {
        $points = array(array('label' => 'a', 'value' => 2.0, 'title' => 'A'), array('label' => 'b', 'value' => null, 'title' => ''),
            array('label' => 'c', 'value' => 8.0, 'title' => 'C'), array('label' => 'd', 'value' => 0.0, 'title' => 'D'));
        $m = Charts::bars($points, array('width' => 400, 'height' => 200, 'left' => 40, 'right' => 10, 'top' => 10, 'bottom' => 30));
        $this->assertSame(3, $m['count'], 'the empty slot has no bar');
        $this->assertSame(array('0', '2', '4', '6', '8'), array_column($m['ticks'], 'label'));
        $this->assertSame('170', $m['plot']['bottom']);
        $this->assertSame('160', $m['plot']['h']);
        $this->assertSame('40', $m['bars'][0]['h'], '2 of 8 is a quarter of the height');
        $this->assertSame('160', $m['bars'][1]['h'], 'the highest bar reaches the top tick');
        $this->assertSame('1', $m['bars'][2]['h'], 'a measured zero stays visible');
        $this->assertSame(array('a', 'b', 'c', 'd'), array_column($m['labels'], 'text'));
        $this->assertNull(Charts::bars(array(array('label' => 'x', 'value' => null))));
        $this->assertNull(Charts::bars(array()));
    }

    public function testCrowdedLabelsAreThinnedAndRotated()
    {
        $points = array();
        for ($i = 1; $i <= 30; $i++) {
            $points[] = array('label' => sprintf('2026-11-%02d', $i), 'value' => $i, 'title' => '');
        }
        $m = Charts::bars($points);
        $this->assertSame(15, count($m['labels']));
        $this->assertTrue($m['labels'][0]['rotate']);
        $this->assertSame('2026-11-30', end($m['labels'])['text'], 'the newest day is always labelled');
        $ends = Charts::bars($points, array('labels' => 'ends'));
        $this->assertSame(array('2026-11-01', '2026-11-30'), array_column($ends['labels'], 'text'));
    }

    public function testBarsSvgEscapes()
    {
        $m = Charts::bars(array(array('label' => '<x>', 'value' => 1, 'title' => '"t"&')));
        $svg = Charts::barsSvg($m, '<title>');
        $this->assertStringContainsString('&lt;x&gt;', $svg);
        $this->assertStringContainsString('<title>&quot;t&quot;&amp;</title>', $svg);
        $this->assertStringNotContainsString('<x>', $svg);
        $this->assertStringStartsWith('<svg class="puq-syn-chart" data-puq-chart="bars" data-bars="1"', $svg);
    }
}
