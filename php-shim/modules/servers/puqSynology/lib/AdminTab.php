<?php
/**
 * HTML of the admin services tab's usage fields (AdminServicesTabFields returns label => HTML). Every value
 * from the daemon is escaped; inline styles only (the fields sit inside WHMCS's own admin table, which the
 * module cannot style otherwise), no script.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class AdminTab
{
    const USED_COLOR = '#d9534f';
    const FREE_COLOR = '#449d44';

    /** @return string an HTML-escaped string */
    private static function e($value)
    {
        return htmlspecialchars(is_scalar($value) ? (string) $value : '', ENT_QUOTES, 'UTF-8');
    }

    /** A language string with an English fallback. */
    private static function t(array $lang, $key, $default)
    {
        return isset($lang[$key]) && is_string($lang[$key]) && $lang[$key] !== '' ? $lang[$key] : $default;
    }

    /**
     * "Disk usage": a used/free bar and a table (disk limit, used, free, used %, free %).
     * @param array $summary Usage::summary()
     * @param array $lang
     */
    public static function usageHtml(array $summary, array $lang)
    {
        $unit = $summary['unit'];
        $withUnit = function ($value) use ($unit) {
            return $value === '' ? '–' : $value . ' ' . $unit;
        };
        $withPercent = function ($value) {
            return $value === '' ? '–' : $value . ' %';
        };
        $html = '<div class="puq-syn-admin-usage" data-puq-usage="' . ($summary['unlimited'] ? 'unlimited' : 'limited') . '"'
            . ' style="max-width:1100px">';
        if ($summary['unlimited']) {
            $html .= '<div class="puq-syn-admin-bar" style="height:20px;line-height:20px;border-radius:3px;'
                . 'background:#5bc0de;color:#fff;font-size:12px;text-align:center;margin:2px 0 6px">'
                . self::e(self::t($lang, 'puqSynology_unlimited', 'Unlimited')) . '</div>';
        } else {
            $used = $summary['used_percent_value'] === null ? 0.0 : $summary['used_percent_value'];
            $free = $summary['free_percent_value'] === null ? max(0.0, 100.0 - $used) : $summary['free_percent_value'];
            $html .= '<div class="puq-syn-admin-bar" role="img" aria-label="'
                . self::e(self::t($lang, 'puqSynology_disk_used_percent', 'Disk used percentage') . ': '
                    . $withPercent($summary['used_percent'])) . '"'
                . ' style="display:flex;height:20px;line-height:20px;border-radius:3px;overflow:hidden;'
                . 'background:#e9ecef;color:#fff;font-size:12px;text-align:center;margin:2px 0 6px">';
            $segments = array(
                array('used', $used, self::USED_COLOR, $summary['used_percent']),
                array('free', $free, self::FREE_COLOR, $summary['free_percent']),
            );
            foreach ($segments as $segment) {
                list($name, $width, $color, $text) = $segment;
                if ($width <= 0) {
                    continue;
                }
                $html .= '<div data-segment="' . $name . '" style="width:' . Charts::coord($width) . '%;background:'
                    . $color . ';white-space:nowrap;overflow:hidden">' . ($width >= 7 && $text !== '' ? self::e($text . '%') : '')
                    . '</div>';
            }
            $html .= '</div>';
        }
        $cell = 'padding:4px 8px;border:1px solid #ddd;text-align:left';
        $heads = array(
            self::t($lang, 'puqSynology_disk_limit', 'Disk limit'),
            self::t($lang, 'puqSynology_disk_used', 'Disk used'),
            self::t($lang, 'puqSynology_disk_free', 'Disk free'),
            self::t($lang, 'puqSynology_disk_used_percent', 'Disk used percentage'),
            self::t($lang, 'puqSynology_disk_free_percent', 'Disk free percentage'),
        );
        $values = array(
            $summary['unlimited'] ? self::t($lang, 'puqSynology_unlimited', 'Unlimited') : $withUnit($summary['limit']),
            $withUnit($summary['used']),
            $withUnit($summary['free']),
            $withPercent($summary['used_percent']),
            $withPercent($summary['free_percent']),
        );
        $html .= '<table class="puq-syn-admin-table" style="width:100%;border-collapse:collapse;background:#fff">'
            . '<tr style="background:#f5f5f5">';
        foreach ($heads as $head) {
            $html .= '<th style="' . $cell . ';font-weight:600">' . self::e($head) . '</th>';
        }
        $html .= '</tr><tr>';
        foreach ($values as $value) {
            $html .= '<td style="' . $cell . '">' . self::e($value) . '</td>';
        }
        $html .= '</tr></table>';
        $updated = $summary['lastupdate'] !== '' ? $summary['lastupdate']
            : self::t($lang, 'puqSynology_never_updated', 'not measured yet');
        $html .= '<div style="font-size:11px;color:#777;margin-top:3px">'
            . self::e(self::t($lang, 'puqSynology_last_update', 'Last updated') . ': ' . $updated) . '</div>';
        return $html . '</div>';
    }

    /**
     * "Usage history": the last days as a small bar chart, or a note when there is no history yet.
     * @param array $points Usage::dailyPoints()
     */
    public static function historyHtml(array $points, $unit, array $lang)
    {
        $model = Charts::bars($points, array('width' => 640, 'height' => 150, 'left' => 44, 'top' => 10,
            'labels' => 'ends', 'bottom' => 24));
        if ($model === null) {
            return '<span class="puq-syn-admin-empty" style="color:#777">'
                . self::e(self::t($lang, 'puqSynology_no_history', 'No usage history yet.')) . '</span>';
        }
        $title = self::t($lang, 'puqSynology_last_30_days', 'Last 30 days') . ' (' . $unit . ')';
        return '<div class="puq-syn-admin-history" style="max-width:640px">'
            . '<div style="font-size:11px;color:#555;margin-bottom:2px">' . self::e($title) . '</div>'
            . Charts::barsSvg($model, $title, 'puq-syn-admin-chart') . '</div>';
    }

    /** "API connection": the daemon and the NAS answered. */
    public static function okHtml()
    {
        return '<span class="puq-syn-admin-ok" style="color:#2e7d32;font-weight:600">&#10004; OK</span>';
    }

    /** A readable error in the tab (red text), escaped. */
    public static function errorHtml($message)
    {
        return '<span class="puq-syn-admin-error" style="color:#a94442;font-weight:600">&#10008; ' . self::e($message) . '</span>';
    }
}
