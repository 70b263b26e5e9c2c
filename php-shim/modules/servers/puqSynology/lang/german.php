<?php
/**
 * puqSynology strings (German). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Synology-Speicher';
$_LANG['puqSynology_web_interface'] = 'Adresse der Weboberfläche';
$_LANG['puqSynology_username'] = 'Benutzername';
$_LANG['puqSynology_password'] = 'Passwort';
$_LANG['puqSynology_manual'] = 'Benutzerhandbuch';
$_LANG['puqSynology_copy'] = 'Kopieren';
$_LANG['puqSynology_copied'] = 'Kopiert';
$_LANG['puqSynology_copy_failed'] = 'Zum Kopieren Strg+C drücken';
$_LANG['puqSynology_show_password'] = 'Passwort anzeigen';
$_LANG['puqSynology_hide_password'] = 'Passwort verbergen';
$_LANG['puqSynology_used_space'] = 'Belegter Speicherplatz';
$_LANG['puqSynology_used'] = 'Belegt';
$_LANG['puqSynology_free'] = 'Frei';
$_LANG['puqSynology_disk_limit'] = 'Speicherlimit';
$_LANG['puqSynology_disk_used'] = 'Belegter Speicher';
$_LANG['puqSynology_disk_free'] = 'Freier Speicher';
$_LANG['puqSynology_disk_used_percent'] = 'Belegt in Prozent';
$_LANG['puqSynology_disk_free_percent'] = 'Frei in Prozent';
$_LANG['puqSynology_unlimited'] = 'Unbegrenzt';
$_LANG['puqSynology_last_update'] = 'Zuletzt aktualisiert';
$_LANG['puqSynology_never_updated'] = 'noch nicht gemessen';
$_LANG['puqSynology_statistics'] = 'Statistik des belegten Speichers';
$_LANG['puqSynology_not_ready'] = 'Dieses Speicherkonto ist noch nicht eingerichtet.';
$_LANG['puqSynology_error'] = 'Die Speicherdetails können gerade nicht angezeigt werden. Bitte versuchen Sie es später erneut.';
$_LANG['puqSynology_usage_unavailable'] = 'Die Speicherbelegung kann gerade nicht angezeigt werden. Bitte versuchen Sie es später erneut.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Letzte 30 Tage';
$_LANG['puqSynology_monthly_average'] = 'Durchschnitt pro Monat';
$_LANG['puqSynology_no_history'] = 'Noch kein Nutzungsverlauf. Er erscheint nach der ersten täglichen Messung der Belegung.';
$_LANG['puqSynology_back'] = 'Zurück zum Dienst';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Speicherbelegung';
$_LANG['puqSynology_admin_history'] = 'Nutzungsverlauf';
