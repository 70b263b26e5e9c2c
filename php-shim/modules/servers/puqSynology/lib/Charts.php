<?php
/**
 * Chart geometry for inline SVG: a used/free pie and bar charts with axes. The models hold only numbers
 * (as text with '.' decimals, whatever the locale) and labels; the client templates draw them with Smarty
 * (every label escaped) and barsSvg() draws one for the admin tab. No external library, no JavaScript: a
 * viewBox and width 100% make the charts scale with their container, <title> elements are the tooltips.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Charts
{
    /** A coordinate for an SVG attribute: two decimals, '.' whatever the locale. */
    public static function coord($value)
    {
        $text = sprintf('%.2F', (float) $value);
        $text = rtrim(rtrim($text, '0'), '.');
        return ($text === '-0' || $text === '') ? '0' : $text;
    }

    /**
     * The used/free pie. Used starts at 12 o'clock and runs clockwise.
     * @param float $usedPercent 0..100 (clamped)
     * @param string $usedLabel text drawn in the used slice (e.g. "0.557"), '' for none
     * @param string $freeLabel text drawn in the free slice
     * @return array size, cx, cy, r, used_percent, free_percent (text), used_path / free_path (SVG path data,
     *   '' when the slice is empty or the full circle), used_full / free_full (draw a circle instead),
     *   labels (x, y, text, slice)
     */
    public static function pie($usedPercent, $usedLabel = '', $freeLabel = '')
    {
        $size = 200;
        $c = 100.0;
        $r = 96.0;
        $p = max(0.0, min(100.0, (float) $usedPercent));
        $model = array(
            'size' => $size, 'cx' => self::coord($c), 'cy' => self::coord($c), 'r' => self::coord($r),
            'used_percent' => Usage::number($p, 2), 'free_percent' => Usage::number(100 - $p, 2),
            'used_path' => '', 'free_path' => '', 'used_full' => $p >= 100.0, 'free_full' => $p <= 0.0,
            'labels' => array(),
        );
        if ($p > 0.0 && $p < 100.0) {
            $angle = 2 * M_PI * $p / 100.0;
            list($ex, $ey) = self::onCircle($c, $r, $angle);
            $large = $p > 50.0 ? 1 : 0;
            $top = self::coord($c) . ' ' . self::coord($c - $r);
            $end = self::coord($ex) . ' ' . self::coord($ey);
            $model['used_path'] = 'M' . self::coord($c) . ' ' . self::coord($c) . ' L' . $top
                . ' A' . self::coord($r) . ' ' . self::coord($r) . ' 0 ' . $large . ' 1 ' . $end . ' Z';
            $model['free_path'] = 'M' . self::coord($c) . ' ' . self::coord($c) . ' L' . $end
                . ' A' . self::coord($r) . ' ' . self::coord($r) . ' 0 ' . (1 - $large) . ' 1 ' . $top . ' Z';
        }
        // A slice label sits at the slice's middle angle; slices under 6 % are too thin for one.
        $slices = array(array('used', 0.0, $p, $usedLabel), array('free', $p, 100.0, $freeLabel));
        foreach ($slices as $slice) {
            list($name, $from, $to, $text) = $slice;
            if ($text === '' || $to - $from < 6.0) {
                continue;
            }
            $mid = 2 * M_PI * (($from + $to) / 2) / 100.0;
            $distance = ($to - $from) >= 100.0 ? 0.0 : $r * 0.6;
            list($x, $y) = self::onCircle($c, $distance, $mid);
            $model['labels'][] = array('x' => self::coord($x), 'y' => self::coord($y + 4), 'text' => $text,
                'slice' => $name);
        }
        return $model;
    }

    /** The point at $angle (radians, clockwise from 12 o'clock) on the circle of radius $r around ($c, $c). */
    private static function onCircle($c, $r, $angle)
    {
        return array($c + $r * sin($angle), $c - $r * cos($angle));
    }

    /**
     * A "nice" axis step (1, 2, 2.5 or 5 times a power of ten) that divides $max into about $target steps.
     */
    public static function niceStep($max, $target = 4)
    {
        if (!($max > 0)) {
            return 0.25;
        }
        $raw = $max / max(1, (int) $target);
        $magnitude = pow(10, floor(log10($raw)));
        $norm = $raw / $magnitude;
        if ($norm <= 1) {
            $nice = 1;
        } elseif ($norm <= 2) {
            $nice = 2;
        } elseif ($norm <= 2.5) {
            $nice = 2.5;
        } elseif ($norm <= 5) {
            $nice = 5;
        } else {
            $nice = 10;
        }
        return $nice * $magnitude;
    }

    /**
     * A bar chart with a y axis (gridlines and labels) and x labels.
     * @param array[] $points label, value (float|null: null = an empty slot), title (tooltip)
     * @param array $options width (800), height (300), left (52), right (12), top (14), bottom (null = by the
     *   labels), labels: 'auto' (every slot, thinned and rotated when crowded) or 'ends' (first and last)
     * @return array|null null without a value to draw; else width, height, plot {x, y, w, h, bottom, right,
     *   tick_x}, ticks [{y, text_y, label}], bars [{x, y, w, h, title, label}], labels [{x, y, text, anchor, rotate}], count
     */
    public static function bars(array $points, array $options = array())
    {
        $values = array();
        foreach ($points as $point) {
            if (isset($point['value']) && $point['value'] !== null) {
                $values[] = max(0.0, (float) $point['value']);
            }
        }
        if (empty($values)) {
            return null;
        }
        $o = array_merge(array('width' => 800, 'height' => 300, 'left' => 52, 'right' => 12, 'top' => 14,
            'bottom' => null, 'labels' => 'auto'), $options);
        $n = count($points);
        $plotW = $o['width'] - $o['left'] - $o['right'];
        $slot = $plotW / $n;
        $rotate = $o['labels'] === 'auto' && $slot < 62;
        $bottom = $o['bottom'] !== null ? $o['bottom'] : ($rotate ? 78 : 30);
        $plotH = $o['height'] - $o['top'] - $bottom;
        $plotBottom = $o['top'] + $plotH;

        $max = max($values);
        $step = self::niceStep($max);
        $top = $max > 0 ? ceil($max / $step - 1e-9) * $step : $step * 4;
        $ticks = array();
        $count = (int) round($top / $step);
        for ($i = 0; $i <= $count; $i++) {
            $value = $i * $step;
            $y = $plotBottom - $value / $top * $plotH;
            $ticks[] = array('y' => self::coord($y), 'text_y' => self::coord($y + 4), 'label' => Usage::number($value, 3));
        }

        $bars = array();
        $labels = array();
        $barW = min($slot * 0.64, 60);
        $every = $rotate ? max(1, (int) ceil($n / 16)) : 1;
        foreach (array_values($points) as $i => $point) {
            $center = $o['left'] + ($i + 0.5) * $slot;
            if (isset($point['value']) && $point['value'] !== null) {
                $value = max(0.0, (float) $point['value']);
                // A measured zero stays visible as a hairline, so it differs from a day without a measurement.
                $h = max(1.0, $value / $top * $plotH);
                $bars[] = array('x' => self::coord($center - $barW / 2), 'y' => self::coord($plotBottom - $h),
                    'w' => self::coord($barW), 'h' => self::coord($h),
                    'title' => isset($point['title']) ? (string) $point['title'] : '',
                    'label' => isset($point['label']) ? (string) $point['label'] : '');
            }
            $text = isset($point['label']) ? (string) $point['label'] : '';
            if ($o['labels'] === 'ends') {
                if ($i === 0 || $i === $n - 1) {
                    $anchor = $n === 1 ? 'middle' : ($i === 0 ? 'start' : 'end');
                    $x = $n === 1 ? $center : ($i === 0 ? $o['left'] : $o['width'] - $o['right']);
                    $labels[] = array('x' => self::coord($x), 'y' => self::coord($plotBottom + 16), 'text' => $text,
                        'anchor' => $anchor, 'rotate' => false);
                }
            } elseif (($n - 1 - $i) % $every === 0) { // thinned from the newest slot, which is always labelled
                $labels[] = $rotate
                    ? array('x' => self::coord($center + 4), 'y' => self::coord($plotBottom + 12), 'text' => $text,
                        'anchor' => 'end', 'rotate' => true)
                    : array('x' => self::coord($center), 'y' => self::coord($plotBottom + 18), 'text' => $text,
                        'anchor' => 'middle', 'rotate' => false);
            }
        }
        return array(
            'width' => (int) $o['width'], 'height' => (int) $o['height'],
            'plot' => array('x' => self::coord($o['left']), 'y' => self::coord($o['top']), 'w' => self::coord($plotW),
                'h' => self::coord($plotH), 'bottom' => self::coord($plotBottom),
                'right' => self::coord($o['left'] + $plotW), 'tick_x' => self::coord($o['left'] - 6)),
            'ticks' => $ticks, 'bars' => $bars, 'labels' => $labels, 'count' => count($bars),
        );
    }

    /**
     * The SVG markup of a bars() model, every text escaped (the admin tab returns HTML, not a template).
     * @param array $model from bars()
     * @param string $title accessible name of the chart
     * @param string $class CSS class of the <svg>
     */
    public static function barsSvg(array $model, $title, $class = 'puq-syn-chart')
    {
        $e = function ($value) {
            return htmlspecialchars((string) $value, ENT_QUOTES, 'UTF-8');
        };
        $plot = $model['plot'];
        $svg = '<svg class="' . $e($class) . '" data-puq-chart="bars" data-bars="' . (int) $model['count'] . '"'
            . ' viewBox="0 0 ' . (int) $model['width'] . ' ' . (int) $model['height'] . '" width="100%"'
            . ' preserveAspectRatio="xMidYMid meet" role="img" aria-label="' . $e($title) . '"'
            . ' xmlns="http://www.w3.org/2000/svg" style="display:block;max-width:100%;height:auto">'
            . '<title>' . $e($title) . '</title>';
        foreach ($model['ticks'] as $tick) {
            $svg .= '<line x1="' . $e($plot['x']) . '" x2="' . $e($plot['right']) . '" y1="' . $e($tick['y'])
                . '" y2="' . $e($tick['y']) . '" stroke="#e3e3e3" stroke-width="1"/>'
                . '<text x="' . $e($plot['tick_x']) . '" y="' . $e($tick['text_y']) . '" text-anchor="end"'
                . ' font-size="11" fill="#666">' . $e($tick['label']) . '</text>';
        }
        foreach ($model['bars'] as $bar) {
            $svg .= '<rect x="' . $e($bar['x']) . '" y="' . $e($bar['y']) . '" width="' . $e($bar['w'])
                . '" height="' . $e($bar['h']) . '" fill="#3366cc"><title>' . $e($bar['title']) . '</title></rect>';
        }
        $svg .= '<line x1="' . $e($plot['x']) . '" x2="' . $e($plot['right']) . '" y1="' . $e($plot['bottom'])
            . '" y2="' . $e($plot['bottom']) . '" stroke="#444" stroke-width="1"/>';
        foreach ($model['labels'] as $label) {
            $svg .= '<text x="' . $e($label['x']) . '" y="' . $e($label['y']) . '" text-anchor="' . $e($label['anchor'])
                . '" font-size="11" fill="#555"'
                . ($label['rotate'] ? ' transform="rotate(-40 ' . $e($label['x']) . ' ' . $e($label['y']) . ')"' : '')
                . '>' . $e($label['text']) . '</text>';
        }
        return $svg . '</svg>';
    }
}
