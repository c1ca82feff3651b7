using SharpParty.Web.Hosting;

namespace SharpParty.Protocols;

/// <summary>Every protocol served beside HTTP; the executable (and the tests) pass this list to the server, and each
/// module stays off unless its option (<c>--ftp</c>, <c>--tftp</c>…) is given.</summary>
internal static class ProtocolModules
{
    public static IReadOnlyList<IServerModule> All { get; } =
    [
        new Ftp.FtpModule(),
        new Tftp.TftpModule(),
    ];
}
