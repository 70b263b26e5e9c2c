<?php
/**
 * Display values from the daemon's POST /v1/usage/service answer (docs/api.md, "Usage, history and
 * notifications"). The daemon computes every number (MB, unit values, percentages, the unit and its
 * coefficient); this class only formats them and converts the history from MB into the product's unit for
 * the charts. It decides nothing.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Usage
{
    const PASSWORD_MODES = array('button', 'plain', 'hidden');

    /**
     * A number as text with at most $decimals decimals, trailing zeros removed, '.' as the decimal point
     * whatever the locale (PHP 7.4 casts floats to text by the locale). Non-numeric text is returned as is,
     * null/bool as ''.
     * @param mixed $value
     * @param int $decimals
     * @return string
     */
    public static function number($value, $decimals = 4)
    {
        if ($value === null || is_bool($value) || is_array($value) || is_object($value)) {
            return '';
        }
        if (!is_numeric($value)) {
            return trim((string) $value);
        }
        $text = sprintf('%.' . max(0, (int) $decimals) . 'F', (float) $value);
        if (strpos($text, '.') !== false) {
            $text = rtrim(rtrim($text, '0'), '.');
        }
        return $text === '-0' ? '0' : $text;
    }

    /** A value as a float, or null when it is not a number. */
    public static function floatOrNull($value)
    {
        return (is_int($value) || is_float($value) || (is_string($value) && is_numeric($value))) ? (float) $value : null;
    }

    /**
     * The password display mode of the answer: button, plain or hidden. Anything else (or no answer) is
     * "hidden": a password is never shown by accident.
     * @param mixed $value
     */
    public static function passwordMode($value)
    {
        $mode = is_string($value) ? strtolower(trim($value)) : '';
        return in_array($mode, self::PASSWORD_MODES, true) ? $mode : 'hidden';
    }

    /** Only an http(s) web address becomes a link (never javascript: or the like); else ''. */
    public static function webLink($value)
    {
        $link = is_string($value) ? trim($value) : '';
        return preg_match('#^https?://[^\s"<>`\\\\]+$#i', $link) ? $link : '';
    }

    /**
     * What the client area, the statistics page and the admin tab show.
     * @param array $answer the daemon's /v1/usage/service answer
     * @return array unlimited (bool), unit, limit, used, free, used_percent, free_percent (formatted text;
     *   free and the percentages '' when unlimited), used_percent_value and free_percent_value (floats for
     *   drawing, clamped to 0..100; null when unlimited), lastupdate ('' when never measured)
     */
    public static function summary(array $answer)
    {
        $unlimited = !empty($answer['unlimited']);
        $unit = isset($answer['unit']) && is_string($answer['unit']) && $answer['unit'] !== '' ? $answer['unit'] : 'MB';
        $usedPercent = $unlimited ? null : self::floatOrNull(isset($answer['used_percent']) ? $answer['used_percent'] : null);
        $freePercent = $unlimited ? null : self::floatOrNull(isset($answer['free_percent']) ? $answer['free_percent'] : null);
        $lastupdate = isset($answer['lastupdate']) && is_scalar($answer['lastupdate']) ? trim((string) $answer['lastupdate']) : '';
        if ($lastupdate === '' || strpos($lastupdate, '0000-00-00') === 0) {
            $lastupdate = '';
        }
        return array(
            'unlimited' => $unlimited,
            'unit' => $unit,
            'limit' => $unlimited ? '' : self::number(isset($answer['disk_limit_unit']) ? $answer['disk_limit_unit'] : null),
            'used' => self::number(isset($answer['disk_used_unit']) ? $answer['disk_used_unit'] : null),
            'free' => $unlimited ? '' : self::number(isset($answer['disk_free_unit']) ? $answer['disk_free_unit'] : null),
            'used_percent' => $usedPercent === null ? '' : self::number($usedPercent, 2),
            'free_percent' => $freePercent === null ? '' : self::number($freePercent, 2),
            'used_percent_value' => $usedPercent === null ? null : max(0.0, min(100.0, $usedPercent)),
            'free_percent_value' => $freePercent === null ? null : max(0.0, min(100.0, $freePercent)),
            'lastupdate' => $lastupdate,
        );
    }

    /**
     * Megabytes per unit of the answer (unit_coefficient, e.g. 1024 for GB); 1 when the answer has none.
     */
    public static function coefficient(array $answer)
    {
        $coefficient = self::floatOrNull(isset($answer['unit_coefficient']) ? $answer['unit_coefficient'] : null);
        return ($coefficient === null || $coefficient <= 0) ? 1.0 : $coefficient;
    }

    /**
     * Daily used space as chart points in the product's unit, oldest first. When the dates form a short
     * calendar range, a day without a measurement stays an empty slot (value null) so the x axis is true
     * to time; each measured day is one point with a value.
     * @return array[] label, value (float|null), title
     */
    public static function dailyPoints(array $answer)
    {
        $unit = self::summary($answer)['unit'];
        $coefficient = self::coefficient($answer);
        $byDate = array();
        $list = isset($answer['daily']) && is_array($answer['daily']) ? $answer['daily'] : array();
        foreach ($list as $day) {
            if (!is_array($day) || !isset($day['date']) || !is_string($day['date'])) {
                continue;
            }
            $mb = self::floatOrNull(isset($day['used_mb']) ? $day['used_mb'] : null);
            if ($mb === null) {
                continue;
            }
            $byDate[$day['date']] = $mb / $coefficient;
        }
        if (empty($byDate)) {
            return array();
        }
        ksort($byDate, SORT_STRING);
        $dates = array_keys($byDate);
        $slots = self::calendarDays($dates);
        if ($slots === null) {
            $slots = $dates;
        }
        $points = array();
        foreach ($slots as $date) {
            $value = array_key_exists($date, $byDate) ? $byDate[$date] : null;
            $points[] = array(
                'label' => $date,
                'value' => $value,
                'title' => $value === null ? '' : $date . ': ' . self::number($value, 3) . ' ' . $unit,
            );
        }
        return $points;
    }

    /**
     * Monthly average used space as chart points in the product's unit, oldest first.
     * @return array[] label, value, title
     */
    public static function monthlyPoints(array $answer)
    {
        $unit = self::summary($answer)['unit'];
        $coefficient = self::coefficient($answer);
        $byMonth = array();
        $list = isset($answer['monthly']) && is_array($answer['monthly']) ? $answer['monthly'] : array();
        foreach ($list as $month) {
            if (!is_array($month) || !isset($month['month']) || !is_string($month['month'])) {
                continue;
            }
            $mb = self::floatOrNull(isset($month['avg_used_mb']) ? $month['avg_used_mb'] : null);
            if ($mb !== null) {
                $byMonth[$month['month']] = $mb / $coefficient;
            }
        }
        ksort($byMonth, SORT_STRING);
        $points = array();
        foreach ($byMonth as $month => $value) {
            $points[] = array('label' => $month, 'value' => $value,
                'title' => $month . ': ' . self::number($value, 3) . ' ' . $unit);
        }
        return $points;
    }

    /**
     * Every date from the first to the last of $dates (sorted YYYY-MM-DD), or null when a date is not valid
     * or the range is much longer than the number of measured days (then the chart shows one slot per
     * measured day).
     * @param string[] $dates
     * @return string[]|null
     */
    private static function calendarDays(array $dates)
    {
        foreach ($dates as $date) {
            if (!preg_match('/^\d{4}-\d{2}-\d{2}$/', $date)) {
                return null;
            }
        }
        $first = $dates[0];
        $last = $dates[count($dates) - 1];
        $measured = count($dates);
        $utc = new \DateTimeZone('UTC');
        $from = \DateTime::createFromFormat('!Y-m-d', $first, $utc);
        $to = \DateTime::createFromFormat('!Y-m-d', $last, $utc);
        if ($from === false || $to === false || $from->format('Y-m-d') !== $first || $to->format('Y-m-d') !== $last) {
            return null;
        }
        $span = (int) round(($to->getTimestamp() - $from->getTimestamp()) / 86400) + 1;
        if ($span > 400 || $span > 2 * $measured + 31) {
            return null;
        }
        $days = array();
        for ($i = 0; $i < $span; $i++) {
            $days[] = gmdate('Y-m-d', $from->getTimestamp() + $i * 86400);
        }
        // A date that is not a calendar day (2026-02-30) would have no slot: then one slot per measured day.
        return count(array_intersect($dates, $days)) === $measured ? $days : null;
    }
}
