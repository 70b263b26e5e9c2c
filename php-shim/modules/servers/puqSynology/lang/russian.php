<?php
/**
 * puqSynology strings (Russian). The module passes them to its templates as $puqLang (whether WHMCS merges a
 * server module's lang file into $LANG is not verified), and the admin tab reads them too. Every text the
 * client area, the statistics page and the admin tab show is here; templates fall back to English.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

// Client area: overview
$_LANG['puqSynology_title'] = 'Хранилище Synology';
$_LANG['puqSynology_web_interface'] = 'Адрес веб-интерфейса';
$_LANG['puqSynology_username'] = 'Имя пользователя';
$_LANG['puqSynology_password'] = 'Пароль';
$_LANG['puqSynology_manual'] = 'Руководство пользователя';
$_LANG['puqSynology_copy'] = 'Копировать';
$_LANG['puqSynology_copied'] = 'Скопировано';
$_LANG['puqSynology_copy_failed'] = 'Нажмите Ctrl+C, чтобы скопировать';
$_LANG['puqSynology_show_password'] = 'Показать пароль';
$_LANG['puqSynology_hide_password'] = 'Скрыть пароль';
$_LANG['puqSynology_used_space'] = 'Занятое место';
$_LANG['puqSynology_used'] = 'Занято';
$_LANG['puqSynology_free'] = 'Свободно';
$_LANG['puqSynology_disk_limit'] = 'Лимит места';
$_LANG['puqSynology_disk_used'] = 'Занято';
$_LANG['puqSynology_disk_free'] = 'Свободно';
$_LANG['puqSynology_disk_used_percent'] = 'Занято в процентах';
$_LANG['puqSynology_disk_free_percent'] = 'Свободно в процентах';
$_LANG['puqSynology_unlimited'] = 'Без ограничений';
$_LANG['puqSynology_last_update'] = 'Последнее обновление';
$_LANG['puqSynology_never_updated'] = 'ещё не измерено';
$_LANG['puqSynology_statistics'] = 'Статистика занятого места';
$_LANG['puqSynology_not_ready'] = 'Эта учётная запись хранилища ещё не настроена.';
$_LANG['puqSynology_error'] = 'Сейчас невозможно показать данные хранилища. Попробуйте позже.';
$_LANG['puqSynology_usage_unavailable'] = 'Сейчас невозможно показать использование диска. Попробуйте позже.';

// Client area: "Used space statistics" page
$_LANG['puqSynology_last_30_days'] = 'Последние 30 дней';
$_LANG['puqSynology_monthly_average'] = 'Среднее за месяц';
$_LANG['puqSynology_no_history'] = 'Истории использования пока нет. Она появится после первого ежедневного измерения.';
$_LANG['puqSynology_back'] = 'Вернуться к услуге';

// Admin services tab
$_LANG['puqSynology_admin_disk_usage'] = 'Использование диска';
$_LANG['puqSynology_admin_history'] = 'История использования';
