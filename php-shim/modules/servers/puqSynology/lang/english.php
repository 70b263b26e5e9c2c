<?php
/**
 * puqSynology strings (English). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Synology storage';
$_LANG['puqSynology_web_interface'] = 'Web interface address';
$_LANG['puqSynology_username'] = 'Username';
$_LANG['puqSynology_password'] = 'Password';
$_LANG['puqSynology_manual'] = 'User manual';
$_LANG['puqSynology_copy'] = 'Copy';
$_LANG['puqSynology_copied'] = 'Copied';
$_LANG['puqSynology_copy_failed'] = 'Press Ctrl+C to copy';
$_LANG['puqSynology_show_password'] = 'Show password';
$_LANG['puqSynology_hide_password'] = 'Hide password';
$_LANG['puqSynology_used_space'] = 'Used space';
$_LANG['puqSynology_used'] = 'Used';
$_LANG['puqSynology_free'] = 'Free';
$_LANG['puqSynology_disk_limit'] = 'Disk limit';
$_LANG['puqSynology_disk_used'] = 'Disk used';
$_LANG['puqSynology_disk_free'] = 'Disk free';
$_LANG['puqSynology_disk_used_percent'] = 'Disk used percentage';
$_LANG['puqSynology_disk_free_percent'] = 'Disk free percentage';
$_LANG['puqSynology_unlimited'] = 'Unlimited';
$_LANG['puqSynology_last_update'] = 'Last updated';
$_LANG['puqSynology_never_updated'] = 'not measured yet';
$_LANG['puqSynology_statistics'] = 'Used space statistics';
$_LANG['puqSynology_not_ready'] = 'This storage account has not been set up yet.';
$_LANG['puqSynology_error'] = 'The storage details cannot be shown right now. Please try again later.';
$_LANG['puqSynology_usage_unavailable'] = 'The disk usage cannot be shown right now. Please try again later.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Last 30 days';
$_LANG['puqSynology_monthly_average'] = 'Average per month';
$_LANG['puqSynology_no_history'] = 'No usage history yet. It appears after the first daily usage update.';
$_LANG['puqSynology_back'] = 'Back to the service';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Disk usage';
$_LANG['puqSynology_admin_history'] = 'Usage history';
