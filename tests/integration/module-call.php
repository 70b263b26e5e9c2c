<?php
/**
 * Calls one module function for a service the way WHMCS does and prints its result on one line.
 * Usage: php module-call.php FUNCTION SERVICE_ID      (e.g. CreateAccount 12)
 */
require __DIR__ . '/../php/bootstrap.php';
$fn = 'puqSynology_' . $argv[1];
$result = $fn(WhmcsHarness::paramsForService((int) $argv[2]));
echo is_string($result) ? $result : json_encode($result), "\n";
exit($result === 'success' ? 0 : 1);
