using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Apig.Cert.Engine.Certificates
{
    internal enum LocalFileKind
    {
        Missing,
        RegularFile,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,

        /// <summary>The platform could not say; the bounded read still protects against endless content.</summary>
        Unknown,
    }

    /// <summary>
    /// Reads a user-named file only when it is a regular file, and never more than a limit. The type is found before
    /// the file is opened: on Linux and macOS, opening a FIFO for reading blocks until a writer appears, so a
    /// "check after open" would hang before it could check anything.
    /// </summary>
    internal static class LocalFile
    {
        // System.Native's portable mode bits (pal_io.h); the runtime maps each platform's own values onto these.
        private const int TypeMask = 0xF000;
        private const int FifoBits = 0x1000;
        private const int CharacterDeviceBits = 0x2000;
        private const int DirectoryBits = 0x4000;
        private const int BlockDeviceBits = 0x6000;
        private const int RegularBits = 0x8000;
        private const int SocketBits = 0xC000;

        // GetFileType answers for an open handle on Windows, where opening a pipe or device does not block.
        private const int WindowsFileTypeDisk = 0x0001;

        internal static LocalFileKind KindOf(string path)
        {
            if (Directory.Exists(path))
            {
                return LocalFileKind.Directory;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // "\\.\pipe\x", "\\.\PhysicalDrive0", "\\.\COM1": the device namespace never holds a certificate file.
                if (path.StartsWith(@"\\.\", StringComparison.Ordinal) || path.StartsWith("//./", StringComparison.Ordinal))
                {
                    return LocalFileKind.CharacterDevice;
                }

                return File.Exists(path) ? LocalFileKind.RegularFile : LocalFileKind.Missing;
            }

            int? mode = UnixMode(path);
            if (mode == null)
            {
                return File.Exists(path) ? LocalFileKind.Unknown : LocalFileKind.Missing;
            }

            switch (mode.Value & TypeMask)
            {
                case RegularBits:
                    return LocalFileKind.RegularFile;
                case DirectoryBits:
                    return LocalFileKind.Directory;
                case FifoBits:
                    return LocalFileKind.Fifo;
                case CharacterDeviceBits:
                    return LocalFileKind.CharacterDevice;
                case BlockDeviceBits:
                    return LocalFileKind.BlockDevice;
                case SocketBits:
                    return LocalFileKind.Socket;
                default:
                    return LocalFileKind.Unknown;
            }
        }

        internal static string Describe(LocalFileKind kind)
        {
            switch (kind)
            {
                case LocalFileKind.Directory:
                    return "a directory";
                case LocalFileKind.Fifo:
                    return "a named pipe (FIFO)";
                case LocalFileKind.CharacterDevice:
                    return "a character device";
                case LocalFileKind.BlockDevice:
                    return "a block device";
                case LocalFileKind.Socket:
                    return "a socket";
                default:
                    return "not a regular file";
            }
        }

        /// <summary>
        /// The whole file when it has at most <paramref name="maxBytes"/> bytes; null when it has more (the read stops
        /// one byte past the limit, so a file that keeps growing or never ends costs at most that much).
        /// Every intermediate buffer is cleared: the file may hold a private key.
        /// </summary>
        internal static byte[]? ReadBounded(string path, long maxBytes, out bool notRegular)
        {
            notRegular = false;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !IsWindowsDiskFile(stream.SafeFileHandle))
                {
                    notRegular = true;
                    return null;
                }

                long lengthHint;
                try
                {
                    lengthHint = stream.Length;
                }
                catch (NotSupportedException)
                {
                    lengthHint = 0;
                }

                int capacity = (int)Math.Min(maxBytes + 1, Math.Max(4096, lengthHint + 1));
                byte[] buffer = new byte[capacity];
                int filled = 0;
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        if (buffer.Length > maxBytes)
                        {
                            Array.Clear(buffer, 0, buffer.Length);
                            return null;
                        }

                        byte[] larger = new byte[(int)Math.Min(maxBytes + 1, (long)buffer.Length * 2)];
                        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                        Array.Clear(buffer, 0, buffer.Length);
                        buffer = larger;
                    }

                    int read = stream.Read(buffer, filled, buffer.Length - filled);
                    if (read <= 0)
                    {
                        break;
                    }

                    filled += read;
                }

                if (filled > maxBytes)
                {
                    Array.Clear(buffer, 0, buffer.Length);
                    return null;
                }

                if (filled == buffer.Length)
                {
                    return buffer;
                }

                byte[] exact = new byte[filled];
                Buffer.BlockCopy(buffer, 0, exact, 0, filled);
                Array.Clear(buffer, 0, buffer.Length);
                return exact;
            }
        }

        private static int? UnixMode(string path)
        {
            byte[] utf8Path = new byte[Encoding.UTF8.GetByteCount(path) + 1];
            Encoding.UTF8.GetBytes(path, 0, path.Length, utf8Path, 0);

            // FileStatus starts with int32 Flags, int32 Mode in every runtime version; the rest is room to spare.
            byte[] status = new byte[512];
            try
            {
                if (SystemNativeStat(utf8Path, status) != 0)
                {
                    return null;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // .NET Core 2.x named the same function SystemNative_Stat2.
                try
                {
                    if (SystemNativeStat2(utf8Path, status) != 0)
                    {
                        return null;
                    }
                }
                catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
                {
                    return null;
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is BadImageFormatException)
            {
                return null;
            }

            return BitConverter.ToInt32(status, 4);
        }

        private static bool IsWindowsDiskFile(SafeFileHandle handle)
        {
            try
            {
                return GetFileType(handle) == WindowsFileTypeDisk;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return true;
            }
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
        private static extern int SystemNativeStat(byte[] utf8Path, byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat2")]
        private static extern int SystemNativeStat2(byte[] utf8Path, byte[] status);

        [DllImport("kernel32.dll")]
        private static extern int GetFileType(SafeFileHandle handle);
    }
}
