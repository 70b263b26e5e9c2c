<?php
/**
 * Every failure of a daemon call: the daemon's own errors ({"error":{"code","message"}}) and the
 * module's (secret file unreadable, daemon unreachable, an answer that is not JSON).
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class DaemonException extends \RuntimeException
{
    /** @var string stable code: the daemon's (docs/errors.md) or one of the module_* / daemon_* codes */
    private $errorCode;
    /** @var int HTTP status of the daemon's answer, 0 when there was none */
    private $httpStatus;
    /** @var array the decoded answer, when there was one */
    private $response;
    /** @var bool set once the failed call has been written to the module log */
    private $logged = false;

    /**
     * @param string $errorCode
     * @param string $message shown to the WHMCS admin
     * @param int $httpStatus
     * @param array $response
     * @param \Throwable|null $previous
     */
    public function __construct($errorCode, $message, $httpStatus = 0, array $response = array(), $previous = null)
    {
        parent::__construct($message, 0, $previous);
        $this->errorCode = (string) $errorCode;
        $this->httpStatus = (int) $httpStatus;
        $this->response = $response;
    }

    public function getErrorCode()
    {
        return $this->errorCode;
    }

    public function getHttpStatus()
    {
        return $this->httpStatus;
    }

    public function getResponse()
    {
        return $this->response;
    }

    /** DSM requests the daemon made before it failed (the error envelope may carry them). */
    public function getDsmCalls()
    {
        $calls = isset($this->response['dsm_calls']) ? $this->response['dsm_calls'] : array();
        return is_array($calls) ? $calls : array();
    }

    public function isLogged()
    {
        return $this->logged;
    }

    public function markLogged()
    {
        $this->logged = true;
    }
}
