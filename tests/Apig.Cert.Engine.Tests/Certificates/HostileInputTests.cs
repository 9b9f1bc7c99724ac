using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Apig.Cert.Engine.Certificates;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>
/// Local files and strings made to hang, exhaust or slow the loader. Each must end with its own error id. The time bound
/// is only a hang guard (a blocked FIFO open or a quadratic scan would otherwise stall the run), far above a normal run.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private const string BeginLine = "-----BEGIN CERTIFICATE-----\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string KeyFile() => _temp.Write("ec.key", EcLeaf.Pkcs8Pem);

    private static ApigInputException ExpectPromptly(Func<CertificateBundle> load, string errorId, string inputName)
    {
        Task<CertificateBundle> running = Task.Factory.StartNew(load, TaskCreationOptions.LongRunning);
        Task.WhenAny(running, Task.Delay(HangGuard)).GetAwaiter().GetResult();
        Assert.True(running.IsCompleted, "still running after " + HangGuard.TotalSeconds + " s: the loader hangs");
        return AssertInputError(() => running.GetAwaiter().GetResult(), errorId, inputName);
    }

    private static string RepeatedBeginLines(int bytes) =>
        new StringBuilder().Insert(0, BeginLine, bytes / BeginLine.Length).ToString();

    [Fact]
    public void Fifo_is_refused_without_opening_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Path.Combine(_temp.Path, "cert.pipe");
        using (Process mkfifo = Process.Start("mkfifo", fifo)!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var error = ExpectPromptly(() => CertificateLoader.FromFiles(fifo, KeyFile(), null), "PathIsNotRegularFile", "CertificatePath");
        Assert.Contains("FIFO", error.Message);
        Assert.Contains("-CertificatePath", error.Message);
        ExpectPromptly(() => CertificateLoader.FromFiles(_temp.Write("c.pem", EcLeaf.CertificatePem), fifo, null),
            "PathIsNotRegularFile", "PrivateKeyPath");
        ExpectPromptly(() => CertificateLoader.FromPfxFile(fifo, null), "PathIsNotRegularFile", "PfxPath");
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/dev/null")]
    public void Character_device_is_refused_before_reading(string device)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(device))
        {
            return;
        }

        var error = ExpectPromptly(() => CertificateLoader.FromFiles(device, KeyFile(), null), "PathIsNotRegularFile", "CertificatePath");
        Assert.Contains("character device", error.Message);
        ExpectPromptly(() => CertificateLoader.FromPfxFile(device, null), "PathIsNotRegularFile", "PfxPath");
    }

    [Fact]
    public void Directory_is_refused()
    {
        ExpectPromptly(() => CertificateLoader.FromFiles(_temp.Path, KeyFile(), null), "PathIsDirectory", "CertificatePath");
    }

    [Fact]
    public void Symlink_to_a_regular_file_is_read()
    {
        string target = _temp.Write("real.pem", EcLeaf.CertificatePem);
        string link = Path.Combine(_temp.Path, "link.pem");
        File.CreateSymbolicLink(link, target);
        using CertificateBundle bundle = CertificateLoader.FromFiles(link, KeyFile(), null);
        Assert.Equal(EcLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Fact]
    public void One_MiB_of_BEGIN_lines_without_END_is_refused_quickly_as_a_file_and_as_a_string()
    {
        string flood = RepeatedBeginLines((int)RawInput.MaxInputBytes);
        Assert.True(Encoding.UTF8.GetByteCount(flood) <= RawInput.MaxInputBytes);
        string path = _temp.Write("flood.pem", flood);

        ExpectPromptly(() => CertificateLoader.FromFiles(path, KeyFile(), null), "CertificateNotPem", "CertificatePath");
        ExpectPromptly(() => CertificateLoader.FromPem(flood, EcLeaf.Pkcs8Pem, null), "CertificateNotPem", "CertificatePem");
        ExpectPromptly(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, flood.Replace("CERTIFICATE", "PRIVATE KEY"), null),
            "PrivateKeyNotPem", "PrivateKeyPem");
    }

    [Fact]
    public void BEGIN_lines_interrupting_each_other_still_find_the_real_block_after_them()
    {
        string flood = RepeatedBeginLines(200_000);
        using CertificateBundle bundle = CertificateLoader.FromPem(flood + EcLeaf.CertificatePem, EcLeaf.Pkcs8Pem, null);
        Assert.Equal(EcLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Fact]
    public void Nearly_one_MiB_of_base64_in_one_block_is_CertificateNotPem()
    {
        byte[] noise = RandomNumberGenerator.GetBytes(700_000);
        string pem = PemEncoding.WriteString("CERTIFICATE", noise);
        string path = _temp.Write("huge.pem", pem);
        var error = ExpectPromptly(() => CertificateLoader.FromFiles(path, KeyFile(), null), "CertificateNotPem", "CertificatePath");
        Assert.Contains("block 1 of 1", error.Message);
    }

    [Fact]
    public void Deeply_nested_asn1_is_refused()
    {
        // 250,000 levels of SEQUENCE with indefinite length, then as many end-of-contents: 1 MB of pure nesting.
        const int depth = 250_000;
        var der = new byte[depth * 4];
        for (int i = 0; i < depth; i++)
        {
            der[2 * i] = 0x30;
            der[2 * i + 1] = 0x80;
        }

        string path = _temp.Write("nested.der", der);
        ExpectPromptly(() => CertificateLoader.FromFiles(path, KeyFile(), null), "CertificateNotPem", "CertificatePath");
        ExpectPromptly(() => CertificateLoader.FromFiles(_temp.Write("c.pem", EcLeaf.CertificatePem), path, null), "PrivateKeyNotPem", "PrivateKeyPath");
        ExpectPromptly(() => CertificateLoader.FromPfxFile(path, null), "PfxInvalid", "PfxPath");
    }

    [Fact]
    public void File_over_the_limit_is_refused_without_reading_it_whole()
    {
        string path = Path.Combine(_temp.Path, "sparse.pem");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(4L * 1024 * 1024 * 1024);
        }

        ExpectPromptly(() => CertificateLoader.FromFiles(path, KeyFile(), null), "InputTooLarge", "CertificatePath");
    }

    [Fact]
    public void Bounded_read_stops_one_byte_past_the_limit_whatever_Length_says()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // /dev/zero reports Length 0 and never ends: only a bound enforced while reading stops it.
        byte[]? read = LocalFile.ReadBounded("/dev/zero", 64 * 1024, out bool notRegular);
        Assert.Null(read);
        Assert.False(notRegular);

        string exact = _temp.Write("exact.bin", new byte[64 * 1024]);
        Assert.Equal(64 * 1024, LocalFile.ReadBounded(exact, 64 * 1024, out _)!.Length);
        string over = _temp.Write("over.bin", new byte[64 * 1024 + 1]);
        Assert.Null(LocalFile.ReadBounded(over, 64 * 1024, out _));
    }

    [Fact]
    public void File_kinds_are_told_apart_without_opening()
    {
        Assert.Equal(LocalFileKind.RegularFile, LocalFile.KindOf(KeyFile()));
        Assert.Equal(LocalFileKind.Directory, LocalFile.KindOf(_temp.Path));
        Assert.Equal(LocalFileKind.Missing, LocalFile.KindOf(Path.Combine(_temp.Path, "none")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(LocalFileKind.CharacterDevice, LocalFile.KindOf("/dev/zero"));
        }
    }
}
