<?php
/**
 * PUQ Synology: WHMCS provisioning module for Synology NAS storage.
 *
 * A thin module: every function forwards to the local daemon puq-synologyd over signed HTTP (docs/api.md)
 * and reports its answer to WHMCS. No business logic, no DSM request and no database access live here.
 * Runs on PHP 7.4 to 8.2 (checked by tools/php74-compat.php).
 *
 * @see docs/php-module.md
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

require_once __DIR__ . '/lib/DaemonException.php';
require_once __DIR__ . '/lib/Config.php';
require_once __DIR__ . '/lib/DaemonClient.php';
require_once __DIR__ . '/lib/Redactor.php';
require_once __DIR__ . '/lib/Server.php';
require_once __DIR__ . '/lib/Module.php';
require_once __DIR__ . '/lib/Usage.php';
require_once __DIR__ . '/lib/Charts.php';
require_once __DIR__ . '/lib/ClientView.php';
require_once __DIR__ . '/lib/AdminTab.php';

use WHMCS\Module\Server\PuqSynology\AdminTab;
use WHMCS\Module\Server\PuqSynology\ClientView;
use WHMCS\Module\Server\PuqSynology\DaemonException;
use WHMCS\Module\Server\PuqSynology\Module;
use WHMCS\Module\Server\PuqSynology\Server;
use WHMCS\Module\Server\PuqSynology\Usage;

function puqSynology_MetaData()
{
    return array(
        'DisplayName' => 'PUQ Synology',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultNonSSLPort' => '5000',
        'DefaultSSLPort' => '5001',
        'ListAccountsUniqueIdentifierDisplayName' => 'Username',
        'ListAccountsUniqueIdentifierField' => 'username',
        'ListAccountsProductField' => 'configoption3',
    );
}

/**
 * Product settings; the position of each entry is its configoptionN (read by the daemon, docs/settings.md).
 * Never calls the network: the two loaders do, when WHMCS asks for them.
 */
function puqSynology_ConfigOptions($params = array())
{
    return array(
        // configoption1
        'Disk size' => array(
            'FriendlyName' => 'Disk size',
            'Type' => 'text',
            'Size' => '10',
            'Default' => '0',
            'Description' => 'Shown to the client; 0 = unlimited',
            'SimpleMode' => true,
        ),
        // configoption2
        'Disk unit' => array(
            'FriendlyName' => 'Disk unit',
            'Type' => 'dropdown',
            'Options' => array('MB' => 'MB', 'GB' => 'GB', 'TB' => 'TB'),
            'Default' => 'GB',
            'Description' => 'Unit of the disk size',
            'SimpleMode' => true,
        ),
        // configoption3
        'Synology group' => array(
            'FriendlyName' => 'Synology group',
            'Type' => 'text',
            'Size' => '25',
            'Loader' => 'puqSynology_LoaderGroups',
            'SimpleMode' => true,
            'Description' => 'DSM group the user joins; it enforces the real quota and permissions',
        ),
        // configoption4
        'Notify at %' => array(
            'FriendlyName' => 'Notify at %',
            'Type' => 'text',
            'Size' => '5',
            'Default' => '90',
            'Description' => 'Email the client when usage reaches this percentage of the disk size',
            'SimpleMode' => true,
        ),
        // configoption5
        'Email template' => array(
            'FriendlyName' => 'Email template',
            'Type' => 'text',
            'Size' => '40',
            'Loader' => 'puqSynology_LoaderEmailTemplates',
            'SimpleMode' => true,
            'Description' => 'Product email template for the low-space email; None = no email',
        ),
        // configoption6
        'Save history (days)' => array(
            'FriendlyName' => 'Save history (days)',
            'Type' => 'text',
            'Size' => '5',
            'Default' => '30',
            'Description' => 'Days of usage statistics to keep',
            'SimpleMode' => true,
        ),
        // configoption7
        'Link to instruction' => array(
            'FriendlyName' => 'Link to instruction',
            'Type' => 'text',
            'Size' => '60',
            'Default' => '',
            'Description' => 'Optional URL of a user manual (a button in the client area)',
            'SimpleMode' => true,
        ),
        // configoption8
        'Show password' => array(
            'FriendlyName' => 'Show password',
            'Type' => 'dropdown',
            'Options' => array('button' => 'Show button', 'plain' => 'Plain text', 'hidden' => 'Hidden'),
            'Default' => 'button',
            'Description' => 'How the client area shows the password',
            'SimpleMode' => true,
        ),
        // configoption9
        'Username rule' => array(
            'FriendlyName' => 'Username rule',
            'Type' => 'text',
            'Size' => '40',
            'Default' => '{client_id}-{service_id}-{random_digit_4}',
            'Description' => 'Macros: {client_id} {service_id} {random_digit_x} {random_letter_x} {unixtime}'
                . ' {year} {month} {day} {hour} {minute} {second}',
            'SimpleMode' => true,
        ),
        // configoption10
        'Password rule' => array(
            'FriendlyName' => 'Password rule',
            'Type' => 'text',
            'Size' => '5',
            'Default' => '12',
            'Description' => 'Password length, minimum 8',
            'SimpleMode' => true,
        ),
    );
}

/**
 * Loader of "Synology group": the groups on the NAS. Throws on failure (WHMCS shows the message).
 * @return array name => "name (description)"
 * @throws Exception
 */
function puqSynology_LoaderGroups($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $server = Server::requireFromParams($params);
        $answer = Module::call('LoaderGroups', $params, '/v1/server/groups', array('server' => $server));
    } catch (\Throwable $e) {
        throw new \Exception('Cannot load the Synology groups: ' . Module::fail('LoaderGroups', $params, $e));
    }
    $groups = array();
    $list = isset($answer['groups']) && is_array($answer['groups']) ? $answer['groups'] : array();
    foreach ($list as $group) {
        $name = is_array($group) && isset($group['name']) ? (string) $group['name'] : (is_string($group) ? $group : '');
        if ($name === '') {
            continue;
        }
        $description = is_array($group) && isset($group['description']) ? trim((string) $group['description']) : '';
        $groups[$name] = $description !== '' ? $name . ' (' . $description . ')' : $name;
    }
    if (empty($groups)) {
        throw new \Exception('The Synology server has no groups. Create a group with a quota in DSM'
            . ' (Control Panel > Group) and reload this list.');
    }
    return $groups;
}

/**
 * Loader of "Email template": "None" plus the WHMCS product email templates the daemon lists.
 * Never throws: when the daemon cannot list them, only "None" is offered.
 * @return array name => name
 */
function puqSynology_LoaderEmailTemplates($params = array())
{
    $templates = array('None' => 'None');
    if (empty($params) || !is_array($params)) {
        return $templates;
    }
    try {
        $answer = Module::call('LoaderEmailTemplates', $params, '/v1/email-templates', array());
        $list = isset($answer['templates']) && is_array($answer['templates']) ? $answer['templates'] : array();
        foreach ($list as $template) {
            $name = is_array($template) && isset($template['name']) ? (string) $template['name']
                : (is_string($template) ? $template : '');
            if ($name !== '') {
                $templates[$name] = $name;
            }
        }
    } catch (\Throwable $e) {
        Module::fail('LoaderEmailTemplates', $params, $e);
    }
    return $templates;
}

/** @return array ['success' => bool, 'error' => string] */
function puqSynology_TestConnection($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $server = Server::requireFromParams($params);
        Module::call('TestConnection', $params, '/v1/server/test', array('server' => $server));
        return array('success' => true, 'error' => '');
    } catch (\Throwable $e) {
        return array('success' => false, 'error' => Module::fail('TestConnection', $params, $e));
    }
}

/**
 * Creates the DSM user (the daemon chooses the username and password) and saves the credentials in WHMCS.
 * @return string "success" or an error message
 */
function puqSynology_CreateAccount($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $serviceId = Module::requireServiceId($params);
        $server = Server::requireFromParams($params);
        $answer = Module::call('CreateAccount', $params, '/v1/account/create',
            array('server' => $server, 'service_id' => $serviceId));
        $username = isset($answer['username']) ? (string) $answer['username'] : '';
        $password = isset($answer['password']) ? (string) $answer['password'] : '';
        if ($username === '' || $password === '') {
            throw new DaemonException('daemon_bad_response',
                'The puqSynology daemon reported the account as created but returned no username or password.');
        }
        $values = array('serviceid' => $serviceId, 'serviceusername' => $username, 'servicepassword' => $password);
        $result = function_exists('localAPI') ? localAPI('UpdateClientProduct', $values)
            : array('result' => 'error', 'message' => 'localAPI is not available');
        $replace = Module::replaceVars($params);
        Module::log('CreateAccount: localAPI UpdateClientProduct', $values, $result,
            is_array($result) && isset($result['result']) ? $result['result'] : '', $replace);
        if (!is_array($result) || !isset($result['result']) || $result['result'] !== 'success') {
            $why = is_array($result) && isset($result['message']) ? (string) $result['message'] : 'no answer';
            return 'The DSM user ' . $username . ' was created, but WHMCS could not save its username and password: '
                . $why . '. Run Create again to retry.';
        }
        return 'success';
    } catch (\Throwable $e) {
        return Module::fail('CreateAccount', $params, $e);
    }
}

/** @return string "success" (also when the DSM user was already gone) or an error message */
function puqSynology_TerminateAccount($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $serviceId = Module::requireServiceId($params);
        $server = Server::requireFromParams($params);
        $answer = Module::call('TerminateAccount', $params, '/v1/account/terminate',
            array('server' => $server, 'service_id' => $serviceId));
        if (isset($answer['deleted']) && $answer['deleted'] === false) {
            Module::log('TerminateAccount', array('service_id' => $serviceId), $answer,
                'The DSM user was already gone: ' . (isset($answer['message']) ? (string) $answer['message'] : ''),
                Module::replaceVars($params));
        }
        return 'success';
    } catch (\Throwable $e) {
        return Module::fail('TerminateAccount', $params, $e);
    }
}

function puqSynology_SuspendAccount($params = array())
{
    return Module::forward('SuspendAccount', '/v1/account/suspend',
        is_array($params) ? $params : array());
}

function puqSynology_UnsuspendAccount($params = array())
{
    return Module::forward('UnsuspendAccount', '/v1/account/unsuspend',
        is_array($params) ? $params : array());
}

/** Sends the new password WHMCS passes in $params['password']. */
function puqSynology_ChangePassword($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        Module::requireServiceId($params);
        $password = isset($params['password']) ? (string) $params['password'] : '';
        if ($password === '') {
            throw new \InvalidArgumentException('WHMCS passed no new password.');
        }
    } catch (\Throwable $e) {
        return Module::fail('ChangePassword', $params, $e);
    }
    return Module::forward('ChangePassword', '/v1/account/change-password', $params,
        array('password' => $password));
}

/** The daemon reads the (new) product settings from the WHMCS database. */
function puqSynology_ChangePackage($params = array())
{
    return Module::forward('ChangePackage', '/v1/account/change-package',
        is_array($params) ? $params : array());
}

/**
 * Daily cron, once per server: the daemon reads every user's usage and updates tblhosting. Never throws.
 * @return string "success" or an error message (WHMCS ignores it; the module log keeps it)
 */
function puqSynology_UsageUpdate($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $server = Server::requireFromParams($params);
        $config = Module::config();
        Module::call('UsageUpdate', $params, '/v1/usage/sync', array('server' => $server), $config['usage_timeout']);
        return 'success';
    } catch (\Throwable $e) {
        return Module::fail('UsageUpdate', $params, $e);
    }
}

/**
 * Server Sync (WHMCS 7.8+, Utilities > Server Sync): every DSM user of the NAS that could be a service, with
 * its state, so an admin can import or reconcile accounts. The product column is the user's plan group
 * (compared with configoption3, MetaData ListAccountsProductField). Built-in and administrator accounts are
 * left out by the daemon.
 * @return array ['success' => true, 'accounts' => [...]] or ['success' => false, 'error' => message]
 */
function puqSynology_ListAccounts($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $server = Server::requireFromParams($params);
        $answer = Module::call('ListAccounts', $params, '/v1/server/accounts', array('server' => $server));
        $accounts = array();
        foreach (isset($answer['accounts']) ? $answer['accounts'] : array() as $account) {
            $groups = isset($account['groups']) ? array_values(array_diff($account['groups'], array('users'))) : array();
            $suspended = isset($account['status']) && $account['status'] === 'Suspended';
            $accounts[] = array(
                'email' => isset($account['email']) ? $account['email'] : '',
                'username' => $account['username'],
                'domain' => '',
                'uniqueIdentifier' => $account['username'],
                'product' => isset($groups[0]) ? $groups[0] : '',
                'primaryip' => '',
                'created' => !empty($account['created']) ? $account['created'] : date('Y-m-d H:i:s'),
                'status' => $suspended ? Module::serviceStatus('SUSPENDED') : Module::serviceStatus('ACTIVE'),
            );
        }
        return array('success' => true, 'accounts' => $accounts);
    } catch (\Throwable $e) {
        return array('success' => false, 'error' => Module::fail('ListAccounts', $params, $e));
    }
}

/**
 * The service's tab in the admin area: the DSM user (POST /v1/account/info, asks the NAS) and the disk usage
 * with its history (POST /v1/usage/service, database only). Either part may fail alone; its row then shows
 * the readable message. Never throws; every value is HTML-escaped.
 * @return array label => HTML
 */
function puqSynology_AdminServicesTabFields($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $serviceId = Module::requireServiceId($params);
        $server = Server::requireFromParams($params);
    } catch (\Throwable $e) {
        return array('puqSynology' => Module::escape(Module::fail('AdminServicesTabFields', $params, $e)));
    }
    try {
        $lang = Module::lang($params, true);
        $fields = array();
        try {
            $info = Module::call('AdminServicesTabFields', $params, '/v1/account/info',
                array('server' => $server, 'service_id' => $serviceId));
            $groups = isset($info['groups']) && is_array($info['groups']) ? $info['groups'] : array();
            $names = array();
            foreach ($groups as $group) {
                $names[] = is_array($group) && isset($group['name']) ? (string) $group['name'] : (string) $group;
            }
            $fields['API connection'] = AdminTab::okHtml();
            $fields['DSM user'] = Module::escape(isset($info['username']) ? $info['username'] : '');
            $fields['State'] = Module::escape(Module::dsmState($info));
            $fields['Groups'] = Module::escape(implode(', ', $names));
            $fields['Email'] = Module::escape(isset($info['email']) ? $info['email'] : '');
        } catch (\Throwable $e) {
            $fields['API connection'] = AdminTab::errorHtml(Module::fail('AdminServicesTabFields', $params, $e));
            if ($e instanceof DaemonException && $e->getHttpStatus() === 0) {
                // No answer from the daemon at all (not running, timeout, secret unreadable): asking again for
                // the usage would only wait for the same failure.
                return $fields;
            }
        }
        $usageLabel = isset($lang['puqSynology_admin_disk_usage']) ? $lang['puqSynology_admin_disk_usage'] : 'Disk usage';
        $historyLabel = isset($lang['puqSynology_admin_history']) ? $lang['puqSynology_admin_history'] : 'Usage history';
        try {
            $usage = Module::call('AdminServicesTabFields: usage', $params, '/v1/usage/service',
                array('service_id' => $serviceId, 'days' => 30));
            $summary = Usage::summary($usage);
            $fields[$usageLabel] = AdminTab::usageHtml($summary, $lang);
            $fields[$historyLabel] = AdminTab::historyHtml(Usage::dailyPoints($usage), $summary['unit'], $lang);
        } catch (\Throwable $e) {
            $fields[$usageLabel] = AdminTab::errorHtml(Module::fail('AdminServicesTabFields: usage', $params, $e));
        }
        return $fields;
    } catch (\Throwable $e) {
        return array('puqSynology' => Module::escape(Module::fail('AdminServicesTabFields', $params, $e)));
    }
}

/** Nothing to save: the tab shows read-only data. */
function puqSynology_AdminServicesTabFieldsSave($params = array())
{
    return null;
}

function puqSynology_AdminCustomButtonArray()
{
    return array('Sync usage now' => 'SyncUsage', 'Install email template' => 'InstallEmailTemplate');
}

/** Admin button "Sync usage now": reads this service's usage from DSM now. */
function puqSynology_SyncUsage($params = array())
{
    return Module::forward('SyncUsage', '/v1/usage/sync-service',
        is_array($params) ? $params : array());
}

/**
 * Admin button "Install email template": the daemon adds the product email template
 * "puqSynology Notification disk limit" (email/disk-limit.tpl.txt) to WHMCS when it is missing. Idempotent:
 * an existing template (perhaps edited by the admin) is left as it is.
 * @return string "success" or an error message
 */
function puqSynology_InstallEmailTemplate($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        // A button always comes with a service; without one (empty $params) nothing is sent.
        Module::requireServiceId($params);
        $answer = Module::call('InstallEmailTemplate', $params, '/v1/email-templates/install', array());
        $name = isset($answer['name']) && is_scalar($answer['name']) ? (string) $answer['name'] : '';
        Module::log('InstallEmailTemplate', array('route' => '/v1/email-templates/install'), $answer,
            (!empty($answer['created']) ? 'Created the email template ' : 'The email template already exists: ') . $name,
            Module::replaceVars($params));
        return 'success';
    } catch (\Throwable $e) {
        return Module::fail('InstallEmailTemplate', $params, $e);
    }
}

/** The client area's "Used space statistics" button (WHMCS lists it among the service's actions). */
function puqSynology_ClientAreaCustomButtonArray($params = array())
{
    $lang = Module::lang(is_array($params) ? $params : array());
    $label = isset($lang['puqSynology_statistics']) ? $lang['puqSynology_statistics'] : 'Used space statistics';
    return array($label => 'UsageStatistics');
}

/** Functions a client may call (modop=custom&a=...) besides the buttons. */
function puqSynology_ClientAreaAllowedFunctions()
{
    return array('UsageStatistics');
}

/**
 * Client area overview (tabOverviewModuleOutputTemplate, below WHMCS's billing overview): user manual button,
 * web interface address, username, password per the product's "Show password", and the used/free pie with
 * the figures of POST /v1/usage/service. When the daemon cannot answer, the address and username still show
 * (with a notice instead of the usage, and the password hidden).
 */
function puqSynology_ClientArea($params = array())
{
    $params = is_array($params) ? $params : array();
    try {
        $server = Server::requireFromParams($params);
        $username = isset($params['username']) ? (string) $params['username'] : '';
        $lang = Module::lang($params);
        if ($username === '') {
            // Not an error: the service is not provisioned yet. Keep WHMCS's overview (billing details).
            return array(
                'tabOverviewModuleOutputTemplate' => 'templates/error.tpl',
                'templateVariables' => array(
                    'usefulErrorHelper' => isset($lang['puqSynology_not_ready'])
                        ? $lang['puqSynology_not_ready'] : 'This storage account has not been set up yet.',
                ),
            );
        }
        $serviceId = Module::requireServiceId($params);
        $usage = null;
        try {
            $usage = Module::call('ClientArea', $params, '/v1/usage/service',
                array('service_id' => $serviceId, 'days' => 30));
        } catch (\Throwable $e) {
            Module::fail('ClientArea', $params, $e); // the module log keeps the details; the client gets a notice
        }
        return array(
            'tabOverviewModuleOutputTemplate' => 'templates/overview.tpl',
            'templateVariables' => ClientView::overview($params, $server, $usage, $lang),
        );
    } catch (\Throwable $e) {
        $message = Module::fail('ClientArea', $params, $e);
        if ($e instanceof DaemonException) {
            // Daemon details (addresses, codes) are for the admin's module log, not for the client.
            $lang = Module::lang($params);
            $message = isset($lang['puqSynology_error']) ? $lang['puqSynology_error']
                : 'The storage details cannot be shown right now. Please try again later.';
        }
        return array(
            'tabOverviewReplacementTemplate' => 'templates/error.tpl',
            'templateVariables' => array('usefulErrorHelper' => $message),
        );
    }
}

/**
 * The "Used space statistics" page (a client custom function, legacy page form): the last 30 days and the
 * monthly averages as bar charts, from POST /v1/usage/service. Always returns the page; a failure shows a
 * notice on it (details in the module log).
 * @return array templatefile, breadcrumb, vars
 */
function puqSynology_UsageStatistics($params = array())
{
    $params = is_array($params) ? $params : array();
    $lang = array();
    $serviceId = 0;
    $usage = null;
    try {
        $lang = Module::lang($params);
        $serviceId = Module::requireServiceId($params);
        $usage = Module::call('UsageStatistics', $params, '/v1/usage/service',
            array('service_id' => $serviceId, 'days' => 30));
    } catch (\Throwable $e) {
        Module::fail('UsageStatistics', $params, $e);
        $usage = null;
    }
    try {
        $vars = ClientView::statistics($serviceId, $usage, $lang);
    } catch (\Throwable $e) {
        Module::fail('UsageStatistics', $params, $e);
        $vars = ClientView::statistics($serviceId, null, $lang);
    }
    $title = isset($lang['puqSynology_statistics']) ? $lang['puqSynology_statistics'] : 'Used space statistics';
    return array(
        'templatefile' => 'templates/statistics',
        'breadcrumb' => array(ClientView::customUrl($serviceId, 'UsageStatistics') => $title),
        'vars' => $vars,
    );
}
