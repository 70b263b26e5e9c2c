<?php
/**
 * Template variables of the client area pages (templates/overview.tpl, templates/statistics.tpl) from
 * $params and the daemon's /v1/usage/service answer. Every variable is prefixed "puq" so none clashes with
 * WHMCS's own ($username, $password, $serviceid, ...). The templates escape every value.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class ClientView
{
    /** The client area link of a module custom function page (GET, as WHMCS's sidebar links do). */
    public static function customUrl($serviceId, $function)
    {
        return 'clientarea.php?action=productdetails&id=' . (int) $serviceId . '&modop=custom&a=' . rawurlencode($function);
    }

    /** The client area link of the service's own page. */
    public static function serviceUrl($serviceId)
    {
        return 'clientarea.php?action=productdetails&id=' . (int) $serviceId;
    }

    private static function t(array $lang, $key, $default)
    {
        return isset($lang[$key]) && is_string($lang[$key]) && $lang[$key] !== '' ? $lang[$key] : $default;
    }

    /**
     * Variables of templates/overview.tpl.
     * @param array $params WHMCS module parameters (username, password, configoption7)
     * @param array $server Server::fromParams()
     * @param array|null $usage the daemon's answer, null when it could not be had
     * @param array $lang
     */
    public static function overview(array $params, array $server, $usage, array $lang)
    {
        $serviceId = isset($params['serviceid']) ? (int) $params['serviceid'] : 0;
        $password = isset($params['password']) && is_scalar($params['password']) ? (string) $params['password'] : '';
        if (is_array($usage)) {
            $mode = Usage::passwordMode(isset($usage['show_password']) ? $usage['show_password'] : null);
            $manual = Usage::webLink(isset($usage['instruction_link']) ? $usage['instruction_link'] : '');
        } else {
            // Without the daemon's answer the password stays hidden (never shown against the admin's choice);
            // the manual link is the product setting itself.
            $mode = 'hidden';
            $manual = Usage::webLink(isset($params['configoption7']) ? $params['configoption7'] : '');
        }
        if ($password === '') {
            $mode = 'hidden';
        }
        $summary = is_array($usage) ? Usage::summary($usage) : null;
        $pie = null;
        if ($summary !== null && !$summary['unlimited'] && $summary['used_percent_value'] !== null) {
            $pie = Charts::pie($summary['used_percent_value'], $summary['used'], $summary['free']);
        }
        return array(
            'puqLang' => $lang,
            'puqServiceId' => $serviceId,
            'puqWebUrl' => Server::webUrl($server),
            'puqUsername' => isset($params['username']) ? (string) $params['username'] : '',
            'puqInstructionUrl' => $manual,
            'puqPasswordMode' => $mode,
            // Not even passed to the template when the product hides it.
            'puqPassword' => $mode === 'hidden' ? '' : $password,
            'puqUsage' => $summary,
            'puqUsageError' => is_array($usage) ? '' : self::t($lang, 'puqSynology_usage_unavailable',
                'The disk usage cannot be shown right now. Please try again later.'),
            'puqPie' => $pie,
            'puqStatisticsUrl' => self::customUrl($serviceId, 'UsageStatistics'),
        );
    }

    /**
     * Variables of templates/statistics.tpl.
     * @param int $serviceId
     * @param array|null $usage the daemon's answer, null when it could not be had
     * @param array $lang
     * @param string $error the message when $usage is null
     */
    public static function statistics($serviceId, $usage, array $lang, $error = '')
    {
        $vars = array(
            'puqLang' => $lang,
            'puqServiceId' => (int) $serviceId,
            'puqBackUrl' => $serviceId > 0 ? self::serviceUrl($serviceId) : 'clientarea.php?action=services',
            'puqUnit' => '',
            'puqUsage' => null,
            'puqDaily' => null,
            'puqMonthly' => null,
            'puqCharts' => array(),
            'puqError' => '',
        );
        if (!is_array($usage)) {
            $vars['puqError'] = $error !== '' ? $error : self::t($lang, 'puqSynology_error',
                'The storage details cannot be shown right now. Please try again later.');
            return $vars;
        }
        $summary = Usage::summary($usage);
        $vars['puqUsage'] = $summary;
        $vars['puqUnit'] = $summary['unit'];
        $vars['puqDaily'] = Charts::bars(Usage::dailyPoints($usage), array('width' => 800, 'height' => 270));
        $vars['puqMonthly'] = Charts::bars(Usage::monthlyPoints($usage), array('width' => 800, 'height' => 220));
        // One list the template loops over (no Smarty {function}: WHMCS's Smarty security policy is not known).
        $vars['puqCharts'] = array(
            array('kind' => 'daily', 'chart' => $vars['puqDaily'],
                'title' => self::t($lang, 'puqSynology_last_30_days', 'Last 30 days') . ' (' . $summary['unit'] . ')'),
            array('kind' => 'monthly', 'chart' => $vars['puqMonthly'],
                'title' => self::t($lang, 'puqSynology_monthly_average', 'Average per month') . ' (' . $summary['unit'] . ')'),
        );
        return $vars;
    }
}
