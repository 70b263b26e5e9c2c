<?php
/**
 * A fake puq-synologyd on a free local port (`php -S` + fake-daemon-router.php). Tests script its answers
 * with respond() and read what it received with requests().
 */
final class FakeDaemon
{
    /** @var string */
    private $dir;
    /** @var int */
    private $port = 0;
    /** @var resource|null */
    private $process = null;
    /** @var string */
    private $secret;

    public function __construct($secret = null)
    {
        $this->secret = $secret === null ? 'fake-daemon-secret-' . bin2hex(random_bytes(12)) : $secret;
        $this->dir = sys_get_temp_dir() . '/puq-fake-daemon-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
        file_put_contents($this->dir . '/secret', $this->secret . "\n");
        $this->clear();
    }

    /** A TCP port nobody listens on right now. */
    public static function freePort()
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($socket === false) {
            throw new RuntimeException('Cannot find a free port: ' . $errstr);
        }
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    public function start()
    {
        for ($attempt = 0; $attempt < 5 && $this->process === null; $attempt++) {
            $this->port = self::freePort();
            $env = array_merge(getenv(), array('FAKE_DAEMON_DIR' => $this->dir));
            $cmd = array(PHP_BINARY, '-n', '-d', 'display_errors=stderr', '-S', '127.0.0.1:' . $this->port,
                __DIR__ . '/fake-daemon-router.php');
            $process = proc_open($cmd, array(
                0 => array('file', '/dev/null', 'r'),
                1 => array('file', $this->dir . '/server.log', 'a'),
                2 => array('file', $this->dir . '/server.log', 'a'),
            ), $pipes, $this->dir, $env);
            if (!is_resource($process)) {
                continue;
            }
            $deadline = microtime(true) + 5;
            while (microtime(true) < $deadline) {
                $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.2);
                if ($conn !== false) {
                    fclose($conn);
                    $this->process = $process;
                    return;
                }
                $status = proc_get_status($process);
                if (!$status['running']) {
                    break;
                }
                usleep(20000);
            }
            proc_terminate($process);
            proc_close($process);
        }
        throw new RuntimeException('The fake daemon (php -S) did not start: ' . @file_get_contents($this->dir . '/server.log'));
    }

    public function stop()
    {
        if ($this->process !== null) {
            proc_terminate($this->process);
            proc_close($this->process);
            $this->process = null;
        }
        foreach (glob($this->dir . '/*') as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function __destruct()
    {
        $this->stop();
    }

    public function url()
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    public function port()
    {
        return $this->port;
    }

    public function secret()
    {
        return $this->secret;
    }

    public function secretFile()
    {
        return $this->dir . '/secret';
    }

    /** Points the module (PUQ_DAEMON_URL, PUQ_SECRET_FILE) at this fake daemon. */
    public function useAsDaemon()
    {
        putenv('PUQ_DAEMON_URL=' . $this->url());
        putenv('PUQ_SECRET_FILE=' . $this->secretFile());
    }

    /**
     * @param string $method
     * @param string $path
     * @param int $status
     * @param array|string $body an array is sent as JSON, a string as is
     * @param int $delayMs
     */
    public function respond($method, $path, $status, $body, $delayMs = 0)
    {
        $file = $this->dir . '/responses.json';
        $all = json_decode((string) file_get_contents($file), true);
        $all = is_array($all) ? $all : array();
        $r = array('status' => $status, 'delay_ms' => $delayMs);
        if (is_string($body)) {
            $r['raw'] = $body;
            $r['content_type'] = 'text/html';
        } else {
            $r['body'] = $body;
        }
        $all[strtoupper($method) . ' ' . $path] = $r;
        file_put_contents($file, json_encode($all), LOCK_EX);
    }

    /** @return array[] method, path, headers (lower-case names), body, decoded (the JSON body), signature_valid */
    /**
     * Answers the first requests to METHOD path with $first (each array(status, body)), in order, and
     * later ones as respond() set up (call respond() first).
     */
    public function respondFirst($method, $path, array $first)
    {
        $file = $this->dir . '/responses.json';
        $all = json_decode((string) file_get_contents($file), true);
        $key = strtoupper($method) . ' ' . $path;
        $all[$key]['first'] = array();
        foreach ($first as $answer) {
            $all[$key]['first'][] = array('status' => $answer[0], 'body' => $answer[1]);
        }
        file_put_contents($file, json_encode($all));
    }

    public function requests()
    {
        $file = $this->dir . '/requests.jsonl';
        $out = array();
        if (!is_file($file)) {
            return $out;
        }
        foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
            $r = json_decode($line, true);
            $r['decoded'] = json_decode($r['body'], true);
            $out[] = $r;
        }
        return $out;
    }

    public function lastRequest()
    {
        $all = $this->requests();
        return empty($all) ? null : end($all);
    }

    /** Forgets the scripted answers and the recorded requests. */
    public function clear()
    {
        file_put_contents($this->dir . '/responses.json', '{}');
        file_put_contents($this->dir . '/requests.jsonl', '');
    }
}
