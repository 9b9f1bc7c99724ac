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
            // The assembly stays loaded after Remove-Module, and with it the connection; a user who removes the module
            // expects its credentials gone, and a later Import-Module to start unconnected. Done before the resolver
            // goes, because forgetting the session touches engine types.
            ForgetConnection();

            if (IsCoreClr)
            {
                UnregisterCoreClr();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnNetFramework;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void ForgetConnection() => SessionRegistry.ForgetAll();

        // Kept in separate methods so .NET Framework never JIT-compiles a reference to AssemblyLoadContext.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void RegisterCoreClr() => CoreClrResolver.Register(DependencyDirectory);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void UnregisterCoreClr() => CoreClrResolver.Unregister();

        // Windows PowerShell has one AppDomain and no load contexts: serve our dependencies by simple name from
        // Dependencies/, whatever version was asked for, because .NET Framework has no binding redirects for a module.
        private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
        {
            string? path = NetFrameworkLoading.DependencyPathFor(args.Name, DependencyDirectory);
            return path == null ? null : Assembly.LoadFrom(path);
        }

        // .NET Framework 4.7.2 in Windows PowerShell may still default to TLS 1.0/1.1 when the machine is not
        // configured for SystemDefault; APIG and IAM require TLS 1.2.
        private static void EnableModernTlsOnNetFramework()
        {
            SecurityProtocolType current = ServicePointManager.SecurityProtocol;
            try
            {
                ServicePointManager.SecurityProtocol = NetFrameworkLoading.AddModernTls(current);
            }
            catch (NotSupportedException)
            {
                // Older Schannel without TLS 1.3: keep TLS 1.2 at least.
                ServicePointManager.SecurityProtocol = NetFrameworkLoading.AddModernTls(current, includeTls13: false);
            }
        }
    }
}
