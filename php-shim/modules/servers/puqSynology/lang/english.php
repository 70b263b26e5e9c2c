<?php
/**
 * puqSynology client area strings (English). Used by templates/*.tpl through {$puqLang.key}.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

$_LANG['puqSynology_title'] = 'Synology storage';
$_LANG['puqSynology_web_interface'] = 'Web interface';
$_LANG['puqSynology_username'] = 'Username';
$_LANG['puqSynology_password'] = 'Password';
$_LANG['puqSynology_manual'] = 'User manual';
$_LANG['puqSynology_not_ready'] = 'This storage account has not been set up yet.';
$_LANG['puqSynology_error'] = 'The storage details cannot be shown right now. Please try again later.';
