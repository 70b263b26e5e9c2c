<?php
/**
 * puqSynology strings (Ukrainian). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Сховище Synology';
$_LANG['puqSynology_web_interface'] = 'Адреса вебінтерфейсу';
$_LANG['puqSynology_username'] = 'Ім’я користувача';
$_LANG['puqSynology_password'] = 'Пароль';
$_LANG['puqSynology_manual'] = 'Посібник користувача';
$_LANG['puqSynology_copy'] = 'Копіювати';
$_LANG['puqSynology_copied'] = 'Скопійовано';
$_LANG['puqSynology_copy_failed'] = 'Натисніть Ctrl+C, щоб скопіювати';
$_LANG['puqSynology_show_password'] = 'Показати пароль';
$_LANG['puqSynology_hide_password'] = 'Приховати пароль';
$_LANG['puqSynology_used_space'] = 'Зайнятий простір';
$_LANG['puqSynology_used'] = 'Зайнято';
$_LANG['puqSynology_free'] = 'Вільно';
$_LANG['puqSynology_disk_limit'] = 'Ліміт простору';
$_LANG['puqSynology_disk_used'] = 'Зайнято';
$_LANG['puqSynology_disk_free'] = 'Вільно';
$_LANG['puqSynology_disk_used_percent'] = 'Зайнято у відсотках';
$_LANG['puqSynology_disk_free_percent'] = 'Вільно у відсотках';
$_LANG['puqSynology_unlimited'] = 'Без обмежень';
$_LANG['puqSynology_last_update'] = 'Останнє оновлення';
$_LANG['puqSynology_never_updated'] = 'ще не виміряно';
$_LANG['puqSynology_statistics'] = 'Статистика зайнятого простору';
$_LANG['puqSynology_not_ready'] = 'Цей обліковий запис сховища ще не налаштовано.';
$_LANG['puqSynology_error'] = 'Зараз неможливо показати дані сховища. Спробуйте пізніше.';
$_LANG['puqSynology_usage_unavailable'] = 'Зараз неможливо показати використання диска. Спробуйте пізніше.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Останні 30 днів';
$_LANG['puqSynology_monthly_average'] = 'Середнє за місяць';
$_LANG['puqSynology_no_history'] = 'Історії використання ще немає. Вона з’явиться після першого щоденного вимірювання.';
$_LANG['puqSynology_back'] = 'Повернутися до послуги';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Використання диска';
$_LANG['puqSynology_admin_history'] = 'Історія використання';
