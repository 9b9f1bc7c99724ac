using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Apig.Cert.Loader
{
    /// <summary>
    /// Runs at Import-Module, before any cmdlet: points the runtime at Dependencies/ so the engine and its
    /// packages never collide with the versions other modules (Az, Graph, PnP) bring into the session.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

        internal static bool IsCoreClr =>
            !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsCoreClr)
            {
                RegisterCoreClr();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
                EnableModernTlsOnNetFramework();
            }
        }

        public void OnRemove(PSModuleInfo module)
        {
            if (IsCoreClr)
            {
                UnregisterCoreClr();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnNetFramework;
            }
        }

        // Kept in separate methods so .NET Framework never JIT-compiles a reference to AssemblyLoadContext.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void RegisterCoreClr() => CoreClrResolver.Register(DependencyDirectory);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void UnregisterCoreClr() => CoreClrResolver.Unregister();

        // Windows PowerShell has one AppDomain and no load contexts: serve our dependencies by simple name from
        // Dependencies/, whatever version was asked for, because .NET Framework has no binding redirects for a module.
        private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
        {
            string? simpleName = new AssemblyName(args.Name).Name;
            if (string.IsNullOrEmpty(simpleName))
            {
                return null;
            }

            string path = Path.Combine(DependencyDirectory, simpleName + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        // .NET Framework 4.7.2 may still default to TLS 1.0/1.1 when the machine is not configured for
        // SystemDefault. Add 1.2 and 1.3 with a bitwise OR: never remove what the admin or another module set.
        private static void EnableModernTlsOnNetFramework()
        {
            const SecurityProtocolType tls13 = (SecurityProtocolType)12288;
            try
            {
                ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12 | tls13;
            }
            catch (NotSupportedException)
            {
                // Older Schannel without TLS 1.3: keep TLS 1.2 at least.
                ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
            }
        }
    }
}
