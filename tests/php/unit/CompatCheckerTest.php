<?php
/**
 * tools/php74-compat.php: the module passes; PHP-8-only code fails, construct by construct.
 */
class CompatCheckerTest extends ModuleTestCase
{
    const TOOL = PUQ_REPO_ROOT . '/tools/php74-compat.php';

    public static function setUpBeforeClass(): void
    {
        require_once self::TOOL;
    }

    private static function runTool(array $args)
    {
        $cmd = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(self::TOOL);
        foreach ($args as $arg) {
            $cmd .= ' ' . escapeshellarg($arg);
        }
        exec($cmd . ' 2>&1', $out, $rc);
        return array($rc, implode("\n", $out));
    }

    public function testTheModulePasses()
    {
        list($rc, $out) = self::runTool(array(PUQ_MODULE_DIR));
        $this->assertSame(0, $rc, $out);
        $this->assertMatchesRegularExpression('/php74-compat: OK \(\d+ file\(s\)\)/', $out);
    }

    public function testTheDefaultPathIsTheModule()
    {
        list($rc, $out) = self::runTool(array());
        $this->assertSame(0, $rc, $out);
        $count = count(glob(PUQ_MODULE_DIR . '/{,lib/,lang/}*.php', GLOB_BRACE));
        $this->assertStringContainsString("OK ($count file(s))", $out);
    }

    public function testASampleOfPhp8CodeFails()
    {
        $file = PUQ_REPO_ROOT . '/tests/php/fixtures/php8-only.php';
        list($rc, $out) = self::runTool(array($file));
        $this->assertSame(1, $rc, $out);
        $this->assertStringContainsString($file . ':', $out);
        $this->assertStringContainsString('match expression', $out);
        $this->assertStringContainsString('must run on PHP 7.4 to 8.2', $out);
    }

    public function testAMissingPathIsAUsageError()
    {
        list($rc, $out) = self::runTool(array('/nonexistent/path'));
        $this->assertSame(2, $rc, $out);
    }

    public function providerPhp8Only()
    {
        return array(
            'match' => array('$r = match ($x) { 1 => "a", default => "b" };', 'match expression'),
            'nullsafe' => array('$y = $o?->p;', 'nullsafe operator'),
            'attribute' => array("#[Foo]\nfunction f() {}", 'attribute'),
            'named argument' => array('foo(name: 1);', 'named argument name:'),
            'named argument after others' => array('foo(1, limit: 2);', 'named argument limit:'),
            'union parameter' => array('function f(int|string $a) {}', 'union type in a parameter'),
            'union return' => array('function f(): int|false { return 1; }', 'union type in a return type'),
            'union property' => array('class A { public int|string $u; }', 'union type in a property'),
            'nullable union property' => array('class A { private static int|null $u = null; }', 'union type in a property'),
            'mixed parameter' => array('function f(mixed $a) {}', 'mixed type'),
            'mixed return' => array('function f(): mixed {}', 'mixed type'),
            'static return' => array('class A { function f(): static { return $this; } }', 'static return type'),
            'never return' => array('function f(): never { exit; }', 'never type'),
            'false type' => array('function f(): false {}', 'standalone false type'),
            'promotion' => array('class A { function __construct(private int $x) {} }', 'constructor property promotion'),
            'promotion readonly' => array('class A { function __construct(public readonly int $x) {} }', 'constructor property promotion'),
            'trailing comma params' => array('function f($a, $b,) {}', 'trailing comma in a parameter list'),
            'trailing comma use' => array('$f = function () use ($a,) {};', 'trailing comma in a closure use list'),
            'throw ??' => array('$a = $b ?? throw new Exception();', 'throw used as an expression'),
            'throw ternary' => array('$a = $b ? 1 : throw new Exception();', 'throw used as an expression'),
            'throw arrow fn' => array('$f = fn() => throw new Exception();', 'throw used as an expression'),
            'throw short ternary' => array('$a = $b ?: throw new Exception();', 'throw used as an expression'),
            'catch without variable' => array('try {} catch (Exception) {}', 'catch without a variable'),
            '$obj::class' => array('$c = $o::class;', '$object::class'),
            'enum' => array('enum E { case A; }', 'enum'),
            'readonly property' => array('class A { public readonly int $x; }', 'readonly'),
            'first-class callable' => array('$f = strlen(...);', 'first-class callable'),
            'intersection' => array('function f(A&B $x) {}', 'intersection type'),
            'new in initializer' => array('function f($a = new Foo()) {}', 'new in a parameter default value'),
            'octal 0o' => array('$a = 0o17;', 'explicit octal literal'),
            'str_contains' => array('if (str_contains($a, "b")) {}', 'function str_contains() does not exist before PHP 8.0'),
            'str_starts_with' => array('$x = \str_starts_with($a, "b");', 'function str_starts_with() does not exist'),
            'str_ends_with' => array('$x = str_ends_with($a, "b");', 'function str_ends_with() does not exist'),
            'array_is_list' => array('$x = array_is_list($a);', 'function array_is_list() does not exist before PHP 8.1'),
            'get_debug_type' => array('$x = get_debug_type($a);', 'get_debug_type'),
            'ValueError' => array('try {} catch (ValueError $e) {}', 'class valueerror does not exist'),
            'new ValueError' => array('throw new \ValueError("x");', 'class valueerror does not exist'),
            'each (removed)' => array('$x = each($a);', 'function each() is removed in PHP 8.0'),
            'create_function (removed)' => array('$f = create_function("", "");', 'create_function'),
            'utf8_encode (deprecated)' => array('$x = utf8_encode($a);', 'deprecated in PHP 8.2'),
            'syntax error' => array('$a = ;', 'syntax error'),
        );
    }

    /**
     * @dataProvider providerPhp8Only
     */
    public function testPhp8OnlyConstructsAreFound($code, $expected)
    {
        $findings = puq_compat_check_code("<?php\n" . $code . "\n");
        $messages = array_map(function ($f) {
            return $f[1];
        }, $findings);
        $this->assertNotEmpty($findings, "nothing found in: $code");
        $this->assertStringContainsString($expected, implode("\n", $messages));
        $this->assertSame(2, $findings[0][0], 'the line is reported');
    }

    public function providerValidPhp74()
    {
        return array(
            'nullable types' => array('function f(?int $a, ?array $b = null): ?string { return null; }'),
            'typed properties' => array('class A { private ?int $x = null; public static array $y = []; protected \Foo\Bar $z; }'),
            'arrow function' => array('$f = fn($x) => $x * 2;'),
            'null coalescing assignment' => array('$a ??= 1;'),
            'spread' => array('$a = [...$b, 1];'),
            'ternaries in calls' => array('foo($a ? B : C, D ? 1 : 2); foo(X ?: Y);'),
            'switch with throw' => array('switch ($x) { case 1: throw new Exception("a"); default: throw new Exception("b"); }'),
            'throw statements' => array('if ($a) throw new Exception(); else throw new Exception(); { throw new E(); }'),
            'method named match' => array('$o->match(1); A::match(2);'),
            'static calls' => array('static::create(); $x = new static(); return self::class;'),
            'static var' => array('function f() { static $n = 0; return ++$n; }'),
            'self return type' => array('class A { public function f(): self { return $this; } }'),
            'void and iterable' => array('function f(iterable $i, object $o, callable $c): void {}'),
            'class constants' => array('class A { const X = 1; public const Y = [1, 2]; private const Z = "z"; }'),
            'by reference and variadic' => array('function f(&$a, int ...$rest) {} function g(array &$x) {}'),
            'catch with union' => array('try {} catch (A | B $e) {}'),
            'Foo::class' => array('$c = Foo::class; $d = \Bar\Baz::class;'),
            'alternative syntax' => array("if (\$a): ?>x<?php elseif (\$b): ?>y<?php else: ?>z<?php endif;"),
            'goto label' => array('a: goto a;'),
            'trailing comma in calls (7.3)' => array('foo(1, 2,);'),
            'closure use by reference' => array('$f = function ($x) use (&$y, $z): int { return 1; };'),
            'bitwise or default' => array('function f($flags = A | B) {}'),
            'numeric separator' => array('$a = 1_000_000;'),
            'defined function names' => array('function my_str_contains($a) {} $o->str_contains(1);'),
        );
    }

    /**
     * @dataProvider providerValidPhp74
     */
    public function testValidPhp74IsAccepted($code)
    {
        $this->assertSame(array(), puq_compat_check_code("<?php\n" . $code . "\n"));
    }
}
