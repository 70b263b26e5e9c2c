<?php
/**
 * puqSynology strings (French). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Stockage Synology';
$_LANG['puqSynology_web_interface'] = 'Adresse de l\'interface web';
$_LANG['puqSynology_username'] = 'Nom d\'utilisateur';
$_LANG['puqSynology_password'] = 'Mot de passe';
$_LANG['puqSynology_manual'] = 'Manuel d\'utilisation';
$_LANG['puqSynology_copy'] = 'Copier';
$_LANG['puqSynology_copied'] = 'Copié';
$_LANG['puqSynology_copy_failed'] = 'Appuyez sur Ctrl+C pour copier';
$_LANG['puqSynology_show_password'] = 'Afficher le mot de passe';
$_LANG['puqSynology_hide_password'] = 'Masquer le mot de passe';
$_LANG['puqSynology_used_space'] = 'Espace utilisé';
$_LANG['puqSynology_used'] = 'Utilisé';
$_LANG['puqSynology_free'] = 'Libre';
$_LANG['puqSynology_disk_limit'] = 'Limite d\'espace';
$_LANG['puqSynology_disk_used'] = 'Espace utilisé';
$_LANG['puqSynology_disk_free'] = 'Espace libre';
$_LANG['puqSynology_disk_used_percent'] = 'Pourcentage utilisé';
$_LANG['puqSynology_disk_free_percent'] = 'Pourcentage libre';
$_LANG['puqSynology_unlimited'] = 'Illimité';
$_LANG['puqSynology_last_update'] = 'Dernière mise à jour';
$_LANG['puqSynology_never_updated'] = 'pas encore mesuré';
$_LANG['puqSynology_statistics'] = 'Statistiques de l\'espace utilisé';
$_LANG['puqSynology_not_ready'] = 'Ce compte de stockage n\'est pas encore configuré.';
$_LANG['puqSynology_error'] = 'Les détails du stockage ne peuvent pas être affichés pour le moment. Veuillez réessayer plus tard.';
$_LANG['puqSynology_usage_unavailable'] = 'L\'utilisation du disque ne peut pas être affichée pour le moment. Veuillez réessayer plus tard.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = '30 derniers jours';
$_LANG['puqSynology_monthly_average'] = 'Moyenne mensuelle';
$_LANG['puqSynology_no_history'] = 'Pas encore d\'historique d\'utilisation. Il apparaîtra après la première mesure quotidienne.';
$_LANG['puqSynology_back'] = 'Retour au service';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Utilisation du disque';
$_LANG['puqSynology_admin_history'] = 'Historique d\'utilisation';
