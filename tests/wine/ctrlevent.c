// Does Wine deliver console control events? AllocConsole, start a child in its own
// process group on this console, send it Ctrl-Break, and see whether it ends.
#include <windows.h>
#include <stdio.h>
#include <string.h>

static BOOL WINAPI onCtrl(DWORD e) { printf("child: got event %lu\n", e); fflush(stdout); ExitProcess(42); return TRUE; }

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        SetConsoleCtrlHandler(onCtrl, TRUE);
        printf("child: console window %p\n", (void *)GetConsoleWindow()); fflush(stdout);
        Sleep(5000);
        printf("child: no event in 5 s\n");
        return 0;
    }
    BOOL alloc = AllocConsole();
    printf("parent: AllocConsole %d (error %lu), console window %p\n", alloc, GetLastError(), (void *)GetConsoleWindow());
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "\"%s\" child", argv[0]);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_NEW_PROCESS_GROUP, NULL, NULL, &si, &pi)) {
        printf("parent: CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    Sleep(1500);
    BOOL sent = GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pi.dwProcessId);
    printf("parent: GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, child) = %d (error %lu)\n", sent, GetLastError());
    WaitForSingleObject(pi.hProcess, 10000);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    printf("parent: child exit code %lu (42: it got the event)\n", code);
    return 0;
}
