<?php
/**
 * puqSynology strings (Polish). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Magazyn Synology';
$_LANG['puqSynology_web_interface'] = 'Adres interfejsu WWW';
$_LANG['puqSynology_username'] = 'Nazwa użytkownika';
$_LANG['puqSynology_password'] = 'Hasło';
$_LANG['puqSynology_manual'] = 'Instrukcja obsługi';
$_LANG['puqSynology_copy'] = 'Kopiuj';
$_LANG['puqSynology_copied'] = 'Skopiowano';
$_LANG['puqSynology_copy_failed'] = 'Naciśnij Ctrl+C, aby skopiować';
$_LANG['puqSynology_show_password'] = 'Pokaż hasło';
$_LANG['puqSynology_hide_password'] = 'Ukryj hasło';
$_LANG['puqSynology_used_space'] = 'Zajęte miejsce';
$_LANG['puqSynology_used'] = 'Zajęte';
$_LANG['puqSynology_free'] = 'Wolne';
$_LANG['puqSynology_disk_limit'] = 'Limit miejsca';
$_LANG['puqSynology_disk_used'] = 'Zajęte miejsce';
$_LANG['puqSynology_disk_free'] = 'Wolne miejsce';
$_LANG['puqSynology_disk_used_percent'] = 'Procent zajętego miejsca';
$_LANG['puqSynology_disk_free_percent'] = 'Procent wolnego miejsca';
$_LANG['puqSynology_unlimited'] = 'Bez limitu';
$_LANG['puqSynology_last_update'] = 'Ostatnia aktualizacja';
$_LANG['puqSynology_never_updated'] = 'jeszcze nie zmierzono';
$_LANG['puqSynology_statistics'] = 'Statystyki zajętego miejsca';
$_LANG['puqSynology_not_ready'] = 'To konto magazynu nie zostało jeszcze skonfigurowane.';
$_LANG['puqSynology_error'] = 'Nie można teraz wyświetlić szczegółów magazynu. Spróbuj ponownie później.';
$_LANG['puqSynology_usage_unavailable'] = 'Nie można teraz wyświetlić zajętości dysku. Spróbuj ponownie później.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Ostatnie 30 dni';
$_LANG['puqSynology_monthly_average'] = 'Średnia miesięczna';
$_LANG['puqSynology_no_history'] = 'Brak historii użycia. Pojawi się po pierwszym codziennym pomiarze.';
$_LANG['puqSynology_back'] = 'Powrót do usługi';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Zajętość dysku';
$_LANG['puqSynology_admin_history'] = 'Historia użycia';
