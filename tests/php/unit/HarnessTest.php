<?php
/**
 * The WHMCS harness itself: password encryption, localAPI without a database, hooks, env loading.
 */
class HarnessTest extends ModuleTestCase
{
    public function testEncryptionMatchesAVectorComputedInPython()
    {
        // Independent implementation of whmcs-module.md section 4 (Python hashlib), fixed IV 0x00..0x13.
        $iv = '';
        for ($i = 0; $i < 20; $i++) {
            $iv .= chr($i);
        }
        $vector = 'yJV5QOMfYnbhAgRcrh1+Iio5kcdQYHFwczV0YyVdb3h4IF17Ynh8dCZK5to8dWPin3LkaPTD6d9Hjb3/IP0=';
        $plain = 'Passw0rd-Test-String-Longer-Than-20-Bytes!';
        $hash = WhmcsHarness::DEFAULT_CC_ENCRYPTION_HASH;
        $this->assertSame($vector, WhmcsHarness::encrypt($plain, $iv, $hash));
        $this->assertSame($plain, WhmcsHarness::decrypt($vector, $hash));
    }

    public function testEncryptionRoundTripsAndIsRandomised()
    {
        foreach (array('', 'a', str_repeat('x', 20), str_repeat('y', 41), "ünïcödé \x00 bytes", 'P@ss/w0rd+=') as $plain) {
            $a = encrypt($plain);
            $b = encrypt($plain);
            $this->assertNotSame($a, $b, 'encrypting twice gives different values');
            $this->assertSame($plain, decrypt($a));
            $this->assertSame($plain, decrypt($b));
        }
        $this->assertSame(64, strlen(WhmcsHarness::DEFAULT_CC_ENCRYPTION_HASH));
        $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{64}$/', WhmcsHarness::DEFAULT_CC_ENCRYPTION_HASH);
    }

    public function testDecryptWithAnotherHashGivesSomethingElse()
    {
        $cipher = WhmcsHarness::encrypt('secret-value', null, str_repeat('a', 64));
        $this->assertNotSame('secret-value', WhmcsHarness::decrypt($cipher, str_repeat('b', 64)));
        $this->assertSame('secret-value', WhmcsHarness::decrypt($cipher, str_repeat('a', 64)));
    }

    public function testLocalApiEncryptAndDecryptPassword()
    {
        $enc = localAPI('EncryptPassword', array('password2' => 'teststring'));
        $this->assertSame('success', $enc['result']);
        $this->assertSame(30, strlen(base64_decode($enc['password'])), '20 bytes of IV + 10 of text, as the WHMCS docs example');
        $dec = localAPI('DecryptPassword', array('password2' => $enc['password']));
        $this->assertSame(array('result' => 'success', 'password' => 'teststring'), $dec);
    }

    public function testLocalApiUnknownCommand()
    {
        $this->assertSame(array('result' => 'error', 'message' => 'Unknown command'), localAPI('NoSuchCommand', array()));
        $this->assertSame('NoSuchCommand', WhmcsHarness::$localApiCalls[0]['command']);
    }

    public function testLocalApiHandlerOverride()
    {
        WhmcsHarness::$localApiHandler = function ($command, $values) {
            return $command === 'UpdateClientProduct' ? array('result' => 'success', 'x' => $values['serviceid']) : null;
        };
        $this->assertSame(array('result' => 'success', 'x' => 3), localAPI('UpdateClientProduct', array('serviceid' => 3)));
        $this->assertSame('Unknown command', localAPI('Foo', array())['message'], 'null falls through to the harness');
    }

    public function testAddHookRecords()
    {
        add_hook('ClientAreaPage', 1, function () {
            return array();
        });
        $this->assertSame('ClientAreaPage', WhmcsHarness::$hooks[0]['hook']);
        $this->assertSame(1, WhmcsHarness::$hooks[0]['priority']);
    }

    public function testEnvFileLoading()
    {
        $file = tempnam(sys_get_temp_dir(), 'puq-env');
        file_put_contents($file, "# comment\nexport PUQ_HARNESS_T1=one\nPUQ_HARNESS_T2=\"two words\"\n"
            . "PUQ_HARNESS_T3='three'\nnot a line\nPUQ_HARNESS_T4=x=y\n");
        putenv('PUQ_HARNESS_T3=preset');
        $loaded = puq_harness_load_env_file($file);
        unlink($file);
        $this->assertSame('one', getenv('PUQ_HARNESS_T1'));
        $this->assertSame('two words', getenv('PUQ_HARNESS_T2'));
        $this->assertSame('preset', getenv('PUQ_HARNESS_T3'), 'the environment wins over the file');
        $this->assertSame('x=y', getenv('PUQ_HARNESS_T4'));
        $this->assertSame(array('PUQ_HARNESS_T1', 'PUQ_HARNESS_T2', 'PUQ_HARNESS_T4'), $loaded);
        foreach (array('PUQ_HARNESS_T1', 'PUQ_HARNESS_T2', 'PUQ_HARNESS_T3', 'PUQ_HARNESS_T4') as $name) {
            putenv($name);
        }
    }
}
