// A screen is an element plus what to undo when the user leaves it.
export interface Screen {
  element: HTMLElement;
  dispose?: () => void;
}
