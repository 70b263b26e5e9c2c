<?php
/**
 * Daemon answers of POST /v1/usage/service (docs/api.md, "Usage, history and notifications") for the tests
 * and the screenshots: fixed dates, so the rendered pages (and the screenshots) are reproducible.
 */
final class UsageFixtures
{
    /**
     * A 10 GB product with 6.4213 GB used, 30 days of history (one day without a measurement) and six
     * monthly averages.
     */
    public static function serviceAnswer(array $overrides = array())
    {
        $daily = array();
        $start = gmmktime(0, 0, 0, 10, 30, 2026);
        for ($i = 0; $i < 30; $i++) {
            if ($i === 11) {
                continue; // a day the NAS could not be read
            }
            $gb = 4.1 + $i * 0.075 + (($i * 7) % 5) * 0.04;
            if ($i === 29) {
                $gb = 6.4213;
            }
            $daily[] = array('date' => gmdate('Y-m-d', $start + $i * 86400), 'used_mb' => (int) round($gb * 1024));
        }
        $monthly = array();
        foreach (array('2026-06' => 1.21, '2026-07' => 1.86, '2026-08' => 2.47, '2026-09' => 3.05,
                     '2026-10' => 3.92, '2026-11' => 5.31) as $month => $gb) {
            $monthly[] = array('month' => $month, 'avg_used_mb' => (int) round($gb * 1024));
        }
        return array_merge(array(
            'service_id' => 42,
            'username' => '7-42-1234',
            'unlimited' => false,
            'disk_limit_mb' => 10240,
            'unit' => 'GB',
            'unit_coefficient' => 1024,
            'disk_limit_unit' => 10,
            'disk_used_mb' => 6575,
            'disk_used_unit' => 6.4213,
            'disk_free_mb' => 3665,
            'disk_free_unit' => 3.5787,
            'used_percent' => 64.21,
            'free_percent' => 35.79,
            'lastupdate' => '2026-11-28 03:00:12',
            'notify_percent' => 90,
            'show_password' => 'button',
            'instruction_link' => 'https://example.test/manual',
            'daily' => $daily,
            'monthly' => $monthly,
        ), $overrides);
    }

    /** An unlimited product (Disk size 0): no free space and no percentages. */
    public static function unlimitedAnswer(array $overrides = array())
    {
        return self::serviceAnswer(array_merge(array('unlimited' => true, 'disk_limit_mb' => 0, 'disk_limit_unit' => 0,
            'disk_free_mb' => null, 'disk_free_unit' => null, 'used_percent' => null, 'free_percent' => null), $overrides));
    }

    /** A new service: nothing measured yet, no history. */
    public static function emptyAnswer(array $overrides = array())
    {
        return self::serviceAnswer(array_merge(array('disk_used_mb' => 0, 'disk_used_unit' => 0, 'disk_free_mb' => 10240,
            'disk_free_unit' => 10, 'used_percent' => 0, 'free_percent' => 100, 'lastupdate' => null,
            'daily' => array(), 'monthly' => array()), $overrides));
    }
}
