<?php
/**
 * Seeds N WHMCS services with usernames PREFIX0001..PREFIXNNNN (PREFIX: crash unless given) on one new
 * server for the running simulator (product: 10 GB shown, Notify at 90 %, no email) and prints "SERVER_ID".
 * With TEMPLATE, the product emails with that template at Notify at 90 %.
 * Usage: php seed-bulk.php N [PREFIX [TEMPLATE]]
 */
require __DIR__ . '/../php/bootstrap.php';
$n = (int) $argv[1];
$prefix = isset($argv[2]) ? $argv[2] : 'crash';
list($groupId, $serverId) = WhmcsHarness::seedStackServer();
$options = array(1 => '10', 2 => 'GB', 3 => '10G');
if (isset($argv[3])) {
    $options[5] = $argv[3];
}
$productId = WhmcsHarness::seedProduct($options, $groupId);
$clientId = WhmcsHarness::seedClient();
for ($i = 1; $i <= $n; $i++) {
    WhmcsHarness::seedService($clientId, $productId, $serverId,
        array('username' => sprintf('%s%04d', $prefix, $i), 'domainstatus' => 'Active'));
}
echo $serverId, "\n";
