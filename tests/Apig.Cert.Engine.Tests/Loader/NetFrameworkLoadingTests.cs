using System.Net;
using System.Reflection;
using Apig.Cert.Loader;

namespace Apig.Cert.Engine.Tests.Loader;

public class NetFrameworkLoadingTests
{
#pragma warning disable CS0618, SYSLIB0014 // Ssl3 and the old TLS versions are obsolete; they are what Windows PowerShell starts with.
    private const SecurityProtocolType WindowsPowerShellDefault = SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls;
    private const SecurityProtocolType Tls11 = SecurityProtocolType.Tls11;
#pragma warning restore CS0618, SYSLIB0014

    [Fact]
    public void AddsTls12And13ToTheWindowsPowerShellDefaultAndKeepsWhatWasThere()
    {
        SecurityProtocolType result = NetFrameworkLoading.AddModernTls(WindowsPowerShellDefault);

        Assert.Equal(WindowsPowerShellDefault | SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, result);
        Assert.Equal(12288, (int)NetFrameworkLoading.Tls13);
        Assert.Equal((int)SecurityProtocolType.Tls13, (int)NetFrameworkLoading.Tls13);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeepsEveryBitAlreadySet(bool includeTls13)
    {
        // Every combination of the defined protocols plus an unknown future bit: the result must contain each input bit.
        int[] bits = { 48 /* Ssl3 */, 192 /* Tls */, 768 /* Tls11 */, 3072 /* Tls12 */, 12288 /* Tls13 */, 1 << 20 /* unknown */ };
        for (int mask = 1; mask < 1 << bits.Length; mask++)
        {
            int current = 0;
            for (int i = 0; i < bits.Length; i++) if ((mask & (1 << i)) != 0) current |= bits[i];

            var result = NetFrameworkLoading.AddModernTls((SecurityProtocolType)current, includeTls13);

            Assert.Equal(current, (int)result & current);
            Assert.True(result.HasFlag(SecurityProtocolType.Tls12));
            if (includeTls13) Assert.True(result.HasFlag(SecurityProtocolType.Tls13));
        }
    }

    [Fact]
    public void WithoutTls13SupportOnlyTls12IsAdded()
    {
        Assert.Equal(Tls11 | SecurityProtocolType.Tls12, NetFrameworkLoading.AddModernTls(Tls11, includeTls13: false));
    }

    [Fact]
    public void SystemDefaultBecomesTls12And13()
    {
        Assert.Equal(SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, NetFrameworkLoading.AddModernTls(SecurityProtocolType.SystemDefault));
    }

    public sealed class Resolver : IDisposable
    {
        private readonly string _dependencies = Path.Combine(Path.GetTempPath(), "apig-deps-" + Guid.NewGuid().ToString("N"));
        private readonly string _realDll;

        public Resolver()
        {
            Directory.CreateDirectory(_dependencies);
            // A real package assembly, as the module ships it in Dependencies/.
            string source = typeof(Org.BouncyCastle.Crypto.IDigest).Assembly.Location;
            _realDll = Path.Combine(_dependencies, Path.GetFileName(source));
            File.Copy(source, _realDll);
        }

        public void Dispose() => Directory.Delete(_dependencies, recursive: true);

        [Fact]
        public void ServesADependencyByItsSimpleNameWhateverVersionWasAskedFor()
        {
            AssemblyName shipped = AssemblyName.GetAssemblyName(_realDll);
            string asked = shipped.Name + ", Version=1.0.0.0, Culture=neutral, PublicKeyToken=0e99375e54769942";

            Assert.Equal(_realDll, NetFrameworkLoading.DependencyPathFor(asked, _dependencies));
            Assert.Equal(_realDll, NetFrameworkLoading.DependencyPathFor(shipped.FullName, _dependencies));
            Assert.Equal(_realDll, NetFrameworkLoading.DependencyPathFor(shipped.Name, _dependencies));
        }

        [Theory]
        [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
        [InlineData("BouncyCastle.Cryptography.resources, Version=2.0.0.0, Culture=de, PublicKeyToken=072edcf4a5328938")]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("not a valid, assembly=name=")]
        [InlineData("../outside")]
        [InlineData("..\\outside")]
        [InlineData("C:\\Windows\\evil")]
        public void AnswersNullForAnythingItDoesNotShip(string? requested)
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(_dependencies)!, "outside.dll"), "not an assembly");
            try
            {
                Assert.Null(NetFrameworkLoading.DependencyPathFor(requested, _dependencies));
            }
            finally
            {
                File.Delete(Path.Combine(Path.GetDirectoryName(_dependencies)!, "outside.dll"));
            }
        }

        [Fact]
        public void ServesEveryAssemblyOfTheBuiltDependenciesFolder()
        {
            // The published module, when a build has produced one: every file there must be found by its own name.
            string built = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../out/Apig.Cert/Dependencies"));
            if (!Directory.Exists(built)) return;
            string[] dlls = Directory.GetFiles(built, "*.dll");
            Assert.Contains(dlls, d => Path.GetFileName(d) == "Apig.Cert.Engine.dll");
            foreach (string dll in dlls)
            {
                Assert.Equal(dll, NetFrameworkLoading.DependencyPathFor(AssemblyName.GetAssemblyName(dll).FullName, built));
            }
        }
    }
}
