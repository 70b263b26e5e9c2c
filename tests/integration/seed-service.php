<?php
/**
 * Seeds one WHMCS service for the black-box tests (client, server for the running simulator, product in
 * group 10G, service) and prints its id. Usage: php seed-service.php
 */
require __DIR__ . '/../php/bootstrap.php';
list($groupId, $serverId) = WhmcsHarness::seedStackServer();
$productId = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G'), $groupId);
echo WhmcsHarness::seedService(WhmcsHarness::seedClient(), $productId, $serverId), "\n";
