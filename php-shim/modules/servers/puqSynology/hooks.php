<?php
/**
 * puqSynology hooks. WHMCS loads this file on every page load, so it must never fail and never call the
 * daemon while a page is being built: a stopped daemon must not break WHMCS pages.
 *
 * No hooks are registered yet (the daily usage work runs through UsageUpdate; see docs/php-module.md).
 * Any hook added here must wrap its body in try/catch (\Throwable) and return quietly on failure.
 */
if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}
