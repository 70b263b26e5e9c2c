<?php
/**
 * Router for `php -S`: a scriptable stand-in for puq-synologyd used by the unit tests.
 *
 * FAKE_DAEMON_DIR holds: secret (the shared secret), responses.json ("METHOD /path" => {status, body | raw,
 * delay_ms}), and requests.jsonl (one line per request received, written here). The signature is checked
 * here independently of the module's code, exactly as docs/api.md describes it.
 */
$dir = getenv('FAKE_DAEMON_DIR');
$secret = trim((string) @file_get_contents($dir . '/secret'));
$method = $_SERVER['REQUEST_METHOD'];
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$body = (string) file_get_contents('php://input');
$headers = array_change_key_case(function_exists('getallheaders') ? getallheaders() : array(), CASE_LOWER);
$ts = isset($headers['x-puq-timestamp']) ? $headers['x-puq-timestamp'] : '';
$nonce = isset($headers['x-puq-nonce']) ? $headers['x-puq-nonce'] : '';
$sig = isset($headers['x-puq-signature']) ? $headers['x-puq-signature'] : '';
$expected = hash_hmac('sha256', $ts . "\n" . $nonce . "\n" . $method . "\n" . $path . "\n" . $body, $secret);
$valid = $secret !== '' && $sig !== '' && hash_equals($expected, $sig);

file_put_contents($dir . '/requests.jsonl', json_encode(array(
    'method' => $method,
    'path' => $path,
    'uri' => $_SERVER['REQUEST_URI'],
    'headers' => $headers,
    'body' => $body,
    'signature_valid' => $valid,
    'received_at' => time(),
)) . "\n", FILE_APPEND | LOCK_EX);

header('Content-Type: application/json');
if (!$valid) {
    http_response_code(401);
    echo json_encode(array('error' => array('code' => 'unauthorized', 'message' => 'The request signature is not valid.')));
    return true;
}
$responses = json_decode((string) @file_get_contents($dir . '/responses.json'), true);
$key = $method . ' ' . $path;
if (!is_array($responses) || !isset($responses[$key])) {
    http_response_code(404);
    echo json_encode(array('error' => array('code' => 'not_found', 'message' => 'No route ' . $key . ' on this daemon.')));
    return true;
}
$r = $responses[$key];
// "first": answers for the first requests to this route, in order; then the route's own answer.
if (!empty($r['first'])) {
    $seen = 0;
    foreach (file($dir . '/requests.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
        $logged = json_decode($line, true);
        if ($logged['method'] . ' ' . $logged['path'] === $key) {
            $seen++;
        }
    }
    if ($seen <= count($r['first'])) {
        $r = $r['first'][$seen - 1];
    }
}
if (!empty($r['delay_ms'])) {
    usleep((int) $r['delay_ms'] * 1000);
}
http_response_code(isset($r['status']) ? (int) $r['status'] : 200);
if (isset($r['content_type'])) {
    header('Content-Type: ' . $r['content_type']);
}
echo array_key_exists('raw', $r) ? $r['raw'] : json_encode($r['body']);
return true;
