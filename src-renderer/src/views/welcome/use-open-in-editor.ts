/** What opening or creating a project ends with: it becomes the open project and the editor shows its Dockfile. */
import type { ProjectFile } from '../../../../src-shared/ipc/console-types';
import { useUi } from '../../state/ui-store';

export function useOpenInEditor(): (file: ProjectFile) => void {
  const { setProject, navigate } = useUi();
  return (file) => {
    setProject(file);
    navigate({ view: 'editor' });
  };
}
