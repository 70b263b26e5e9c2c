<?php
/**
 * Seeds one WHMCS service for the black-box tests (client, server for the running simulator, product in
 * group 10G, service) and prints its id. Usage: php seed-service.php
 */
require __DIR__ . '/../php/bootstrap.php';
$groupId = WhmcsHarness::seedServerGroup();
$serverId = WhmcsHarness::seedServer(array(
    'host' => WhmcsHarness::env('DSM_HOST'), 'port' => WhmcsHarness::env('DSM_PORT'),
    'secure' => WhmcsHarness::env('DSM_SECURE', '1') === '1', 'username' => WhmcsHarness::env('DSM_ADMIN_USER'),
    'password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
), $groupId);
$productId = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G'), $groupId);
echo WhmcsHarness::seedService(WhmcsHarness::seedClient(), $productId, $serverId), "\n";
