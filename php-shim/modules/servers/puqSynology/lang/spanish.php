<?php
/**
 * puqSynology strings (Spanish). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Almacenamiento Synology';
$_LANG['puqSynology_web_interface'] = 'Dirección de la interfaz web';
$_LANG['puqSynology_username'] = 'Nombre de usuario';
$_LANG['puqSynology_password'] = 'Contraseña';
$_LANG['puqSynology_manual'] = 'Manual de usuario';
$_LANG['puqSynology_copy'] = 'Copiar';
$_LANG['puqSynology_copied'] = 'Copiado';
$_LANG['puqSynology_copy_failed'] = 'Pulse Ctrl+C para copiar';
$_LANG['puqSynology_show_password'] = 'Mostrar contraseña';
$_LANG['puqSynology_hide_password'] = 'Ocultar contraseña';
$_LANG['puqSynology_used_space'] = 'Espacio usado';
$_LANG['puqSynology_used'] = 'Usado';
$_LANG['puqSynology_free'] = 'Libre';
$_LANG['puqSynology_disk_limit'] = 'Límite de disco';
$_LANG['puqSynology_disk_used'] = 'Disco usado';
$_LANG['puqSynology_disk_free'] = 'Disco libre';
$_LANG['puqSynology_disk_used_percent'] = 'Porcentaje usado';
$_LANG['puqSynology_disk_free_percent'] = 'Porcentaje libre';
$_LANG['puqSynology_unlimited'] = 'Ilimitado';
$_LANG['puqSynology_last_update'] = 'Última actualización';
$_LANG['puqSynology_never_updated'] = 'aún sin medir';
$_LANG['puqSynology_statistics'] = 'Estadísticas de espacio usado';
$_LANG['puqSynology_not_ready'] = 'Esta cuenta de almacenamiento aún no está configurada.';
$_LANG['puqSynology_error'] = 'Ahora no se pueden mostrar los detalles del almacenamiento. Inténtelo de nuevo más tarde.';
$_LANG['puqSynology_usage_unavailable'] = 'Ahora no se puede mostrar el uso del disco. Inténtelo de nuevo más tarde.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Últimos 30 días';
$_LANG['puqSynology_monthly_average'] = 'Promedio mensual';
$_LANG['puqSynology_no_history'] = 'Aún no hay historial de uso. Aparecerá tras la primera medición diaria.';
$_LANG['puqSynology_back'] = 'Volver al servicio';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Uso del disco';
$_LANG['puqSynology_admin_history'] = 'Historial de uso';
